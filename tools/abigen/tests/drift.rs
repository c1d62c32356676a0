//! The generated files must match the committed header, and the header must satisfy the
//! conventions the emitters rely on.

use std::path::{Path, PathBuf};

use iopkit_abigen::model::{CType, STRING_FREE};
use iopkit_abigen::{Abi, HEADER};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn abi() -> Abi {
    iopkit_abigen::load(&root()).unwrap_or_else(|e| panic!("{e}"))
}

/// Fails when `src/ffi` (hence the header) changed but the bindings' files were not regenerated.
#[test]
fn generated_files_are_up_to_date() {
    let root = root();
    let files = iopkit_abigen::generate(&root).unwrap_or_else(|e| panic!("{e}"));
    let drifts = iopkit_abigen::check(&root, &files).unwrap_or_else(|e| panic!("{e}"));
    let list: Vec<String> = drifts.iter().map(ToString::to_string).collect();
    assert!(
        drifts.is_empty(),
        "generated files out of date with {HEADER}:\n  {}\nrun `cargo run -p iopkit-abigen` to regenerate",
        list.join("\n  ")
    );
}

#[test]
fn status_enum_has_ok_zero() {
    let abi = abi();
    let ok = abi.status_enum().variant("IOP_OK").expect("IopStatus has IOP_OK");
    assert_eq!(ok.value, 0);
}

#[test]
fn version_matches_constants() {
    let abi = abi();
    let part = |name: &str| abi.constant(name).and_then(|c| c.value.as_int()).expect(name);
    let (major, minor, patch) = abi.version;
    assert_eq!(
        (i64::from(major), i64::from(minor), i64::from(patch)),
        (part("IOP_VERSION_MAJOR"), part("IOP_VERSION_MINOR"), part("IOP_VERSION_PATCH"))
    );
}

#[test]
fn function_names_start_with_iop() {
    let abi = abi();
    let bad: Vec<&str> = abi.functions.iter().map(|f| f.name.as_str()).filter(|n| !n.starts_with("iop_")).collect();
    assert!(bad.is_empty(), "functions not named iop_*: {bad:?}");
}

/// Handle types whose doc says the caller does not own them (e.g. `IopTokenStoreValue`, valid
/// only during a callback) need no free function.
fn caller_owned(abi: &Abi, handle: &str) -> bool {
    let doc = abi.handle(handle).map(|h| h.doc.to_lowercase()).unwrap_or_default();
    !["not owned", "borrowed", "valid during"].iter().any(|phrase| doc.contains(phrase))
}

#[test]
fn returned_handles_have_free_functions() {
    let abi = abi();
    let mut bad = Vec::new();
    for f in &abi.functions {
        for p in f.outputs() {
            if let Some(CType::Handle { name, .. }) = p.ty.out_target()
                && caller_owned(&abi, name)
                && abi.free_function(name).is_none()
            {
                bad.push(format!("{} (`{}`: no free function for {name})", f.name, p.name));
            }
        }
    }
    for line in &bad {
        eprintln!("returned handle without a free function: {line}");
    }
    assert!(bad.is_empty(), "returned handles without a free function: {bad:#?}");
}

#[test]
fn owned_strings_are_documented() {
    let abi = abi();
    assert!(abi.function(STRING_FREE).is_some(), "{STRING_FREE} exists");
    let owned = CType::Str { owned: true };
    let bad: Vec<&str> = abi
        .functions
        .iter()
        .filter(|f| f.ret == owned || f.outputs().iter().any(|p| p.ty.out_target() == Some(&owned)))
        .filter(|f| !f.doc.contains(STRING_FREE))
        .map(|f| f.name.as_str())
        .collect();
    assert!(bad.is_empty(), "functions returning owned strings whose doc does not mention {STRING_FREE}: {bad:?}");
}

/// Every prototype the model spells back is in the header (whitespace aside): the parser lost
/// nothing of the types, names or order.
#[test]
fn prototypes_round_trip() {
    let text = std::fs::read_to_string(root().join(HEADER)).expect("read the header");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let abi = abi();
    assert!(!abi.functions.is_empty());
    for f in &abi.functions {
        let prototype = f.c_prototype();
        assert!(flat.contains(&prototype), "`{prototype}` is not in {HEADER}");
    }
}
