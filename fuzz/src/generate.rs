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
    /// A module of `typed_refs_module` instead of wasm-smith's: wasm-smith
    /// has typed function references only together with GC, and of the
    /// modules it makes with GC, Tandem refused most (GC types, `sub`
    /// declarations) and one in 410 of the rest used a typed reference.
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
    if features.typed_refs {
        return typed_refs_module(u);
    }
    let mut c = wasm_smith::Config::arbitrary(u)?;
    c.simd_enabled = true;
    c.relaxed_simd_enabled = features.relaxed_simd;
    c.threads_enabled = false;
    c.shared_everything_threads_enabled = false;
    c.exceptions_enabled = false;
    c.gc_enabled = false;
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

/// A module built to exercise typed function references, which wasm-smith
/// has only together with GC (and most of its GC modules Tandem refuses):
/// functions of one type `$f` calling each other through `call_ref` and
/// `return_call_ref` on references from `(ref $f)` and `(ref null $f)`
/// globals (one initialised by `global.get` of another, one mutable), a
/// table of `(ref null $f)` with an initialiser, non-nullable and nullable
/// locals, `ref.func`, `ref.null`, `ref.is_null`, `ref.as_non_null`,
/// `br_on_null` and `br_on_non_null`. The shape and the operands come from
/// `u`; every call passes its function's parameter minus one and a
/// function returns at once when it is not positive, and the exports
/// `run<i>` start that countdown at most at 7, so runs stay short. Null
/// references and out-of-bounds table indices may trap, as they should.
pub fn typed_refs_module(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let mut g = TypedRefs { u, r_ready: false, funcs: 0, globals: Vec::new(), table: 0, text: String::new() };
    g.module()?;
    wat::parse_str(&g.text).map_err(|_| arbitrary::Error::IncorrectFormat)
}

struct TypedRefs<'a, 'b> {
    u: &'a mut Unstructured<'b>,
    /// Is the non-nullable local `$r` set (the function body, not its
    /// initialiser)?
    r_ready: bool,
    funcs: u32,
    /// Whether each immutable global is non-nullable.
    globals: Vec<bool>,
    table: u32,
    text: String,
}

impl TypedRefs<'_, '_> {
    fn module(&mut self) -> arbitrary::Result<()> {
        use std::fmt::Write;
        self.funcs = self.u.int_in_range(1..=5)?;
        self.table = self.u.int_in_range(1..=4)?;
        let mut t = String::from("(module (type $f (func (param i64) (result i64)))\n");
        let nglobals = self.u.int_in_range(1..=4)?;
        for k in 0..nglobals {
            let non_null = self.u.arbitrary()?;
            let init = if non_null || self.u.arbitrary()? {
                match k {
                    0 => self.func_ref()?,
                    _ if self.u.arbitrary()? => self.func_ref()?,
                    // Wasm 3.0: `global.get` of an earlier defined global
                    // (non-null ones only, for a non-null global).
                    _ => {
                        let earlier: Vec<usize> = (0..k as usize).filter(|&j| self.globals[j] || !non_null).collect();
                        match earlier.is_empty() {
                            true => self.func_ref()?,
                            false => format!("(global.get $g{})", self.u.choose(&earlier)?),
                        }
                    }
                }
            } else {
                "(ref.null $f)".to_string()
            };
            let ty = if non_null { "(ref $f)" } else { "(ref null $f)" };
            let _ = writeln!(t, "(global $g{k} (export \"g{k}\") {ty} {init})");
            self.globals.push(non_null);
        }
        let init = if self.u.arbitrary()? { self.func_ref()? } else { "(ref.null $f)".to_string() };
        let _ = writeln!(t, "(global $m (export \"m\") (mut (ref null $f)) (ref.null $f))");
        let _ = writeln!(t, "(table $tab {} (ref null $f) {init})", self.table);
        let all: Vec<String> = (0..self.funcs).map(|i| format!("$f{i}")).collect();
        let _ = writeln!(t, "(elem declare func {})", all.join(" "));
        for i in 0..self.funcs {
            self.r_ready = false;
            let r = self.non_null_ref(0)?;
            self.r_ready = true;
            let n = self.nullable_ref(0)?;
            let body = self.expr(3, true)?;
            let _ = writeln!(
                t,
                "(func $f{i} (type $f) (local $r (ref $f)) (local $n (ref null $f))\n  \
                 (local.set $r {r}) (local.set $n {n})\n  \
                 (if (result i64) (i64.le_s (local.get 0) (i64.const 0))\n    \
                 (then (i64.add (local.get 0) (i64.const {c})))\n    (else {body})))",
                c = self.u.int_in_range(-3i64..=3)?
            );
            let _ = writeln!(
                t,
                "(func (export \"run{i}\") (param i64) (result i64) \
                 (call $f{i} (i64.and (local.get 0) (i64.const 7))))"
            );
        }
        t.push(')');
        self.text = t;
        Ok(())
    }

    fn func_ref(&mut self) -> arbitrary::Result<String> {
        Ok(format!("(ref.func $f{})", self.u.int_in_range(0..=self.funcs - 1)?))
    }

    /// The countdown argument of a call.
    const DEC: &'static str = "(i64.sub (local.get 0) (i64.const 1))";

    /// An `i64` expression; `tail`: in tail position (a `return_call_ref`
    /// may end it).
    fn expr(&mut self, depth: u32, tail: bool) -> arbitrary::Result<String> {
        let dec = Self::DEC;
        if depth == 0 {
            return Ok(match self.u.int_in_range(0..=1)? {
                0 => format!("(i64.const {})", self.u.int_in_range(-100i64..=100)?),
                _ => "(local.get 0)".to_string(),
            });
        }
        let d = depth - 1;
        Ok(match self.u.int_in_range(0..=9)? {
            0 => {
                let op = *self.u.choose(&["add", "sub", "mul", "xor"])?;
                format!("(i64.{op} {} {})", self.expr(d, false)?, self.expr(d, false)?)
            }
            1 | 2 => format!("(call_ref $f {dec} {})", self.any_ref(d)?),
            3 if tail => format!("(return_call_ref $f {dec} {})", self.any_ref(d)?),
            3 => format!("(call_ref $f {dec} {})", self.non_null_ref(d)?),
            // Null: the countdown; else a call.
            4 => format!("(block (result i64) {dec} (br_on_null 0 {}) (call_ref $f))", self.nullable_ref(d)?),
            // The reference if not null, else `$r`.
            5 => format!(
                "(call_ref $f {dec} (block (result (ref $f)) (br_on_non_null 0 {}) (local.get $r)))",
                self.nullable_ref(d)?
            ),
            6 => format!("(i64.extend_i32_u (ref.is_null {}))", self.nullable_ref(d)?),
            7 => format!("(block (result i64) (global.set $m {}) {})", self.nullable_ref(d)?, self.expr(d, tail)?),
            8 => format!(
                "(block (result i64) (table.set $tab (i32.const {}) {}) {})",
                self.index()?,
                self.nullable_ref(d)?,
                self.expr(d, tail)?
            ),
            _ => format!("(block (result i64) (local.set $n {}) {})", self.nullable_ref(d)?, self.expr(d, tail)?),
        })
    }

    /// A table index, now and then out of bounds.
    fn index(&mut self) -> arbitrary::Result<u32> {
        self.u.int_in_range(0..=self.table)
    }

    fn any_ref(&mut self, depth: u32) -> arbitrary::Result<String> {
        if self.u.arbitrary()? { self.non_null_ref(depth) } else { self.nullable_ref(depth) }
    }

    fn non_null_ref(&mut self, depth: u32) -> arbitrary::Result<String> {
        let non_null: Vec<usize> = (0..self.globals.len()).filter(|&k| self.globals[k]).collect();
        Ok(match self.u.int_in_range(0..=3)? {
            0 => self.func_ref()?,
            1 if !non_null.is_empty() => format!("(global.get $g{})", self.u.choose(&non_null)?),
            2 if depth > 0 => format!("(ref.as_non_null {})", self.nullable_ref(depth - 1)?),
            _ if self.r_ready => "(local.get $r)".to_string(),
            _ => self.func_ref()?,
        })
    }

    fn nullable_ref(&mut self, depth: u32) -> arbitrary::Result<String> {
        Ok(match self.u.int_in_range(0..=5)? {
            0 => "(ref.null $f)".to_string(),
            1 => format!("(global.get $g{})", self.u.int_in_range(0..=self.globals.len() - 1)?),
            2 => "(global.get $m)".to_string(),
            3 => format!("(table.get $tab (i32.const {}))", self.index()?),
            4 => "(local.get $n)".to_string(),
            _ => self.non_null_ref(depth)?,
        })
    }
}
