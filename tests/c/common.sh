# common.sh: build settings shared by tests/c/run.sh and examples/c/build.sh. Source it, then
# call iop_c_setup once and iop_c_compile for each program. Bash only.
#
# Libraries: the cargo-built target/debug/libiop.so and libiop_sandbox.so. libiop.so's SONAME
# is libiop.so.0, so programs are linked with -liop and find libiop.so.0 at run time through an
# rpath to target/c/lib, which holds the symlinks libiop.so.0 and libiop_sandbox.so.0.
# Everything built goes to target/c/.

IOP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IOP_LIBDIR=$IOP_ROOT/target/debug
IOP_OUT=$IOP_ROOT/target/c
IOP_RUNLIB=$IOP_OUT/lib

# Sets IOP_CFLAGS and IOP_LDFLAGS; builds the libraries if they are missing or older than a
# header (a header regenerated for an ABI change the library was not yet rebuilt for).
iop_c_setup() {
    local lib header build=0
    for lib in "$IOP_LIBDIR/libiop.so" "$IOP_LIBDIR/libiop_sandbox.so"; do
        [[ -f $lib ]] || build=1
        for header in "$IOP_ROOT/include/iop.h" "$IOP_ROOT/include/iop_sandbox.h"; do
            [[ ! $header -nt $lib ]] || build=1
        done
    done
    if ((build)); then
        echo "common.sh: a library is missing or older than include/: cargo build -p iopkit -p iopkit-sandbox" >&2
        (cd "$IOP_ROOT" && cargo build -p iopkit -p iopkit-sandbox)
    fi
    mkdir -p "$IOP_RUNLIB"
    ln -sfn "$IOP_LIBDIR/libiop.so" "$IOP_RUNLIB/libiop.so.0"

    IOP_CFLAGS=(-std=c11 -Wall -Wextra -Werror -pedantic -g -pthread -I"$IOP_ROOT/include")
    IOP_LDFLAGS=(-L"$IOP_LIBDIR" -liop -Wl,-rpath,"$IOP_RUNLIB")
    ln -sfn "$IOP_LIBDIR/libiop_sandbox.so" "$IOP_RUNLIB/libiop_sandbox.so.0"
    # -liop first: the sandbox library also carries copies of the iop_* functions (it links the
    # core statically), and the first library named provides them.
    IOP_LDFLAGS+=(-liop_sandbox)
}

# iop_c_compile OUTPUT SOURCE... [EXTRA COMPILER FLAGS...]; the compiler is $IOP_CC (default gcc).
iop_c_compile() {
    local out=$1
    shift
    "${IOP_CC:-gcc}" "${IOP_CFLAGS[@]}" -o "$out" "$@" "${IOP_LDFLAGS[@]}"
}
