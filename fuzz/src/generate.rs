//! wasm-smith configured for what Tandem implements: Wasm 2.0 with SIMD,
//! extended constant expressions, tail calls, multiple memories, memory64 (64-bit
//! memories and tables) and wide arithmetic, typed function references on request,
//! no imports, every item exported, NaNs canonicalised (so results compare
//! bit for bit across engines).

use arbitrary::{Arbitrary, Unstructured};

/// What a generated module may use beyond Wasm 2.0.
#[derive(Clone, Copy, Debug)]
pub struct Features {
    /// Relaxed SIMD: its ops have several permitted results, so only
    /// Tandem's own tiers (which make one choice) compare them.
    pub relaxed_simd: bool,
    /// wasm-smith's NaN canonicalisation (code in the module): needed
    /// against peers, whose NaN payloads may differ; off between Tandem's
    /// tiers, which must agree on every bit.
    pub canonicalize_nans: bool,
    /// Typed function references. wasm-smith has them only together with
    /// GC, which Tandem refuses as unsupported: a caller skips the modules
    /// `tandem_supports` refuses (most use GC types).
    pub typed_refs: bool,
}

/// A module (Wasm 2.0 with SIMD, extended constants, tail calls, multiple
/// memories, memory64 and wide arithmetic;
/// relaxed SIMD as `features` says).
pub fn module(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    module_with(u, Features { relaxed_simd: false, canonicalize_nans: true, typed_refs: false })
}

/// What `differential` generates from `data`: one input in four has typed
/// function references, which it compares against wasmtime (wasmi 2.0 has
/// none); the others are compared against wasmi, wasmtime refereeing.
pub fn differential_features(data: &[u8]) -> Features {
    let typed_refs = data.get(2).is_some_and(|b| b % 4 == 0);
    Features { relaxed_simd: false, canonicalize_nans: true, typed_refs }
}

/// What `tiers` generates from `data`: relaxed SIMD, raw NaNs, and in one
/// input in four typed function references.
pub fn tiers_features(data: &[u8]) -> Features {
    let typed_refs = data.first().is_some_and(|b| b & 6 == 0);
    Features { relaxed_simd: true, canonicalize_nans: false, typed_refs }
}

/// A module with `features`.
pub fn module_with(u: &mut Unstructured<'_>, features: Features) -> arbitrary::Result<Vec<u8>> {
    let mut c = wasm_smith::Config::arbitrary(u)?;
    c.simd_enabled = true;
    c.relaxed_simd_enabled = features.relaxed_simd;
    c.threads_enabled = false;
    c.shared_everything_threads_enabled = false;
    c.exceptions_enabled = false;
    c.gc_enabled = features.typed_refs;
    c.tail_call_enabled = true;
    c.memory64_enabled = true;
    c.custom_page_sizes_enabled = false;
    c.wide_arithmetic_enabled = true;
    c.extended_const_enabled = true;
    c.custom_descriptors_enabled = false;
    c.multi_value_enabled = true;
    c.bulk_memory_enabled = true;
    c.reference_types_enabled = true;
    c.sign_extension_ops_enabled = true;
    c.saturating_float_to_int_enabled = true;
    c.max_imports = 0;
    c.min_imports = 0;
    // More than one memory is multi-memory (wasm-smith has no switch for it).
    c.max_memories = c.max_memories.min(4);
    c.min_memories = c.min_memories.min(c.max_memories as u32);
    c.max_memory32_bytes = 16 << 20;
    c.max_memory64_bytes = 16 << 20;
    c.max_tables = c.max_tables.min(4);
    c.min_tables = c.min_tables.min(c.max_tables as u32);
    c.max_table_elements = c.max_table_elements.min(10_000);
    c.export_everything = true;
    c.canonicalize_nans = features.canonicalize_nans;
    c.min_funcs = 1;
    c.max_funcs = c.max_funcs.max(1);
    Ok(wasm_smith::Module::new(c, u)?.to_bytes())
}

/// Is `wasm` one to compare with typed function references on: taken by
/// Tandem (every body translated up front, so a GC operator anywhere is
/// found), or refused for a reason other than GC? A module Tandem refuses
/// as unsupported, or that is valid only with GC (the GC rules of
/// wasmparser versions differ: 0.228, Tandem's, does not take
/// `any.convert_extern` as a constant), is skipped.
pub fn tandem_supports(wasm: &[u8]) -> bool {
    let engine = tandem::Engine::new(tandem::Config::new().translation(tandem::Translation::Eager));
    match tandem::Module::from_binary(&engine, wasm) {
        Ok(_) => true,
        Err(e) if e.to_string().starts_with("unsupported feature") => false,
        Err(_) => {
            let no_gc = wasmparser::WasmFeatures::default() - wasmparser::WasmFeatures::GC;
            wasmparser::Validator::new_with_features(no_gc).validate_all(wasm).is_ok()
        }
    }
}
