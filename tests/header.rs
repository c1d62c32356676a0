//! The committed `include/iop.h` must be exactly what cbindgen generates from the sources (plus
//! the gateway URLs of `iop::urls::ALL`, which cbindgen cannot export).

use std::path::Path;

#[test]
fn committed_header_matches_generated() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    // cbindgen cannot export string constants: the gateway URLs are written from the core's table.
    let urls: String = iop::urls::ALL
        .iter()
        .map(|(name, url, doc)| format!("\n/** {} */\n#define IOP_URL_{name} \"{url}\"\n", doc.trim()))
        .collect();
    config.after_includes = Some(format!("{}{urls}", config.after_includes.unwrap_or_default()));
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut generated);
    let path = root.join("include/iop.h");
    if std::env::var_os("IOP_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &generated).expect("write include/iop.h");
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/iop.h is stale: regenerate with `IOP_UPDATE_HEADER=1 cargo test --test header`"
    );
}
