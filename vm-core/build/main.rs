//! Generates the bytecode's op list, forms and facts from the one
//! description in `desc.rs` (see there) into `$OUT_DIR/ops.rs`, which
//! `src/bytecode/mod.rs` includes.

mod desc;
mod generate;
#[path = "../src/bytecode/kinds.rs"]
mod kinds;

fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("ops.rs");
    let text = generate::generate(&desc::ops());
    std::fs::write(&out, text).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    println!("cargo::rerun-if-changed=build");
}
