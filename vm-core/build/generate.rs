//! Turns the op description (`desc.rs`) into Rust: see `generate`.

use crate::desc::{Bank, Kind, MemUse, Op, Order, Shape, bank_of};
use crate::kinds::Form;
use std::collections::HashMap;
use std::fmt::Write;

/// The suffix a form adds to its op's name (see `desc.rs`).
impl Form {
    fn suffix(self) -> &'static str {
        match self {
            Form::Plain => "",
            Form::Acc => "A",
            Form::Reg => "R",
            Form::AccReg => "AR",
            Form::Value => "V",
            Form::Hot => "Hot",
        }
    }
}

/// One opcode: an op in one of its forms.
struct Code<'a> {
    name: String,
    op: &'a Op,
    form: Form,
}

fn forms(op: &Op) -> Vec<Form> {
    let mut v = vec![Form::Plain];
    if let Some(acc) = op.acc {
        v.push(Form::Acc);
        if acc.result.is_some() {
            v.extend([Form::Reg, Form::AccReg]);
        }
    }
    if op.value.is_some() {
        v.push(Form::Value);
    }
    if op.hot {
        v.push(Form::Hot);
    }
    v
}

fn bank(b: Bank) -> String {
    format!("AccBank::{b:?}")
}

fn fields(op: &Op) -> String {
    op.operands.iter().map(|(f, k)| format!("{f}: {k}")).collect::<Vec<_>>().join(", ")
}

fn names(op: &Op) -> String {
    op.operands.iter().map(|(f, _)| *f).collect::<Vec<_>>().join(", ")
}

/// `I32x4AddSatS` -> `i32x4_add_sat_s`: the name of an op's function.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The operands a load or store twin shares with its memory-0 op: all but
/// its offset (wider in the twin) and its memory.
fn twin_fields(o: &Op) -> Vec<&'static str> {
    o.operands.iter().map(|(f, _)| *f).filter(|f| *f != "offset" && *f != "mem").collect()
}

/// Checks the description's cross references and shapes; panics (failing
/// the build) with what is wrong.
fn check(ops: &[Op]) {
    let by_name: HashMap<&str, &Op> = ops.iter().map(|o| (o.name.as_str(), o)).collect();
    assert_eq!(by_name.len(), ops.len(), "two ops share a name");
    let get = |from: &Op, what: &str, name: &str| -> &Op {
        by_name.get(name).copied().unwrap_or_else(|| panic!("{}: {what} `{name}` is not an op", from.name))
    };
    for o in ops {
        for other in [&o.opposite, &o.swapped, &o.mirror].into_iter().flatten() {
            let t = get(o, "relation", other);
            assert_eq!(t.operands, o.operands, "{} and {} differ in operands", o.name, t.name);
        }
        if let Some(b) = &o.branch {
            let t = get(o, "branch", b);
            let srcs: Vec<Kind> = o.operands.iter().skip(1).map(|(_, k)| *k).collect();
            let mut want = srcs.clone();
            want.push(Kind::Target);
            let got: Vec<Kind> = t.operands.iter().map(|(_, k)| *k).collect();
            assert!(o.operands[0].0 == "dst" && want == got, "{}: branch {} does not take its sources", o.name, t.name);
        }
        if let Some((imm, step)) = &o.increment {
            get(o, "increment", imm);
            get(o, "increment", step);
        }
        if o.swapped.is_some() {
            assert!(
                o.operands.iter().any(|(f, _)| *f == "lhs") && o.operands.iter().any(|(f, _)| *f == "rhs"),
                "{}: only ops with `lhs` and `rhs` swap",
                o.name
            );
        }
        if let Some(acc) = o.acc {
            let slots = o.operands.iter().filter(|(_, k)| *k == Kind::Slot).count();
            let need = if acc.result.is_some() { 2 } else { 1 };
            assert!(slots >= need, "{}: no operand for the accumulator", o.name);
            if acc.result.is_some() {
                assert_eq!(o.operands[0], ("dst", Kind::Slot), "{}: a result op's first operand is `dst`", o.name);
            }
        }
        // The accumulator banks must be those of the wasm types: the
        // first operand's for what a form reads (a store's address), the
        // result's for what it leaves, the stored value's for a `V` form.
        if let (Some(acc), Some((params, results))) = (o.acc, o.sig) {
            assert_eq!(Some(acc.reads), params.first().map(|t| bank_of(t)), "{}: bank read", o.name);
            assert_eq!(acc.result, results.first().map(|t| bank_of(t)), "{}: bank of the result", o.name);
        }
        if let (Some(value), Some((params, _))) = (o.value, o.sig) {
            assert_eq!(Some(value), params.get(1).map(|t| bank_of(t)), "{}: bank of the stored value", o.name);
        }
        let total: usize = o.operands.iter().map(|(_, k)| k.size()).sum();
        assert!(total + 2 <= 32, "{}: too long", o.name);
    }
}

/// The generated source (see the module docs of `vm-core/src/bytecode`).
pub fn generate(ops: &[Op]) -> String {
    check(ops);
    let codes: Vec<Code<'_>> = ops
        .iter()
        .flat_map(|op| {
            forms(op).into_iter().map(move |form| Code { name: format!("{}{}", op.name, form.suffix()), op, form })
        })
        .collect();
    let mut s = String::new();
    let w = &mut s;
    writeln!(w, "// Generated by vm-core/build from vm-core/build/desc.rs: do not edit.").unwrap();

    // The list of every opcode, for the declarative generators in
    // `bytecode/mod.rs` and the interpreter's handler table.
    writeln!(w, "/// Calls `$m!` with every opcode as `Name {{ field: Kind, .. }};`, in opcode order.").unwrap();
    writeln!(w, "#[macro_export]\n#[doc(hidden)]\nmacro_rules! for_each_op {{ ($m:ident) => {{ $m! {{").unwrap();
    for c in &codes {
        writeln!(w, "    {} {{ {} }};", c.name, fields(c.op)).unwrap();
    }
    writeln!(w, "}} }}; }}").unwrap();

    // Every form of a base op, for the interpreter's handlers.
    writeln!(w, "/// `for_each_form!(Base, m, args..)` calls `m!(Form, args..)` for `Base` and each of its forms.")
        .unwrap();
    writeln!(w, "#[macro_export]\n#[doc(hidden)]\nmacro_rules! for_each_form {{").unwrap();
    for op in ops {
        write!(w, "    ({}, $m:ident, $($a:tt)*) => {{", op.name).unwrap();
        for f in forms(op) {
            write!(w, " $m!({}{}, $($a)*);", op.name, f.suffix()).unwrap();
        }
        writeln!(w, " }};").unwrap();
    }
    writeln!(w, "}}").unwrap();

    // The SIMD ops with their shapes, for the tiers' code per shape.
    writeln!(
        w,
        "/// Calls `$m!` once with every SIMD op as `Name snake_name Shape (extra);`: the\n\
         /// shape (`vm-core/build/desc.rs`, `Simd`), and for splats, lane accesses and\n\
         /// lane loads/stores the scalar type and lane count."
    )
    .unwrap();
    let simd_list = |w: &mut String, name: &str, twins: bool| {
        writeln!(w, "#[macro_export]\n#[doc(hidden)]\nmacro_rules! {name} {{ ($m:ident) => {{ $m! {{").unwrap();
        for op in ops.iter().filter(|o| o.twin.is_some() == twins) {
            let Some(shape) = op.simd else { continue };
            let extra = match shape {
                Shape::Splat(t) => t.to_string(),
                Shape::Extract(t, n) | Shape::Replace(t, n) => format!("{t} {n}"),
                Shape::LoadLane(n) | Shape::StoreLane(n) => n.to_string(),
                _ => String::new(),
            };
            let f = snake(op.twin.as_deref().unwrap_or(&op.name));
            writeln!(w, "    {} {f} {} ({extra});", op.name, shape.ident()).unwrap();
        }
        writeln!(w, "}} }}; }}").unwrap();
    };
    simd_list(w, "for_each_simd", false);
    writeln!(
        w,
        "/// `for_each_simd!` for the SIMD loads' and stores' twins that name their memory\n\
         /// (`V128LoadMem`), with their memory-0 op's function."
    )
    .unwrap();
    simd_list(w, "for_each_simd_twin", true);
    writeln!(w, "/// A pattern matching every SIMD op of `BaseOp` but the memory twins.").unwrap();
    writeln!(w, "#[macro_export]\n#[doc(hidden)]\nmacro_rules! simd_base_ops {{ () => {{").unwrap();
    let simd: Vec<String> = ops
        .iter()
        .filter(|o| o.simd.is_some() && o.twin.is_none())
        .map(|o| format!("$crate::bytecode::BaseOp::{} {{ .. }}", o.name))
        .collect();
    writeln!(w, "    {}", simd.join("\n    | ")).unwrap();
    writeln!(w, "}}; }}").unwrap();
    writeln!(w, "/// A pattern matching every load and store of `BaseOp` that names its memory.").unwrap();
    writeln!(w, "#[macro_export]\n#[doc(hidden)]\nmacro_rules! twin_base_ops {{ () => {{").unwrap();
    let twins: Vec<String> = ops
        .iter()
        .filter(|o| o.twin.is_some())
        .map(|o| format!("$crate::bytecode::BaseOp::{} {{ .. }}", o.name))
        .collect();
    writeln!(w, "    {}", twins.join("\n    | ")).unwrap();
    writeln!(w, "}}; }}").unwrap();

    // The fused multiply-then-add and test-and-branch ops: their parts, for
    // the interpreter's handlers, and patterns binding their operands, for
    // the JIT's lowering.
    writeln!(
        w,
        "/// Calls `$m!` once with every multiply-then-add op as `Name mul_fn then_fn first|second;`\n\
         /// (`tandem_vm_core::simd` functions; where the product goes in the second op)."
    )
    .unwrap();
    writeln!(w, "#[macro_export]\n#[doc(hidden)]\nmacro_rules! for_each_mul_then {{ ($m:ident) => {{ $m! {{").unwrap();
    for op in ops {
        let Some((mul, then, order)) = op.mul_then else { continue };
        let at = if order == Order::Second { "second" } else { "first" };
        writeln!(w, "    {} {} {} {at};", op.name, snake(mul), snake(then)).unwrap();
    }
    writeln!(w, "}} }}; }}").unwrap();
    writeln!(w, "/// Calls `$m!` once with every test-and-branch op as `Name test_fn;`.").unwrap();
    writeln!(w, "#[macro_export]\n#[doc(hidden)]\nmacro_rules! for_each_branch_test {{ ($m:ident) => {{ $m! {{")
        .unwrap();
    for op in ops {
        let Some(test) = op.test else { continue };
        writeln!(w, "    {} {};", op.name, snake(test)).unwrap();
    }
    writeln!(w, "}} }}; }}").unwrap();
    let pattern = |w: &mut String, name: &str, fields: &[&str], pick: &dyn Fn(&Op) -> bool| {
        let params: Vec<String> = fields.iter().map(|f| format!("${f}:ident")).collect();
        let binds: Vec<String> = fields.iter().map(|f| format!("{f}: ${f}")).collect();
        writeln!(w, "/// A pattern matching every `{name}` op of `BaseOp`, binding its operands.").unwrap();
        writeln!(w, "#[macro_export]\n#[doc(hidden)]\nmacro_rules! {name}_base_ops {{ ({}) => {{", params.join(", "))
            .unwrap();
        let arms: Vec<String> = ops
            .iter()
            .filter(|o| pick(o))
            .map(|o| format!("$crate::bytecode::BaseOp::{} {{ {} }}", o.name, binds.join(", ")))
            .collect();
        writeln!(w, "    {}", arms.join("\n    | ")).unwrap();
        writeln!(w, "}}; }}").unwrap();
    };
    pattern(w, "mul_then", &["dst", "a", "b", "c"], &|o| o.mul_then.is_some());
    pattern(w, "branch_test", &["src", "target"], &|o| o.test.is_some());

    // Opcode facts.
    writeln!(w, "impl Opcode {{").unwrap();
    let table = |w: &mut String, doc: &str, sig: &str, default: &str, arm: &dyn Fn(&Code<'_>) -> Option<String>| {
        if sig.ends_with("-> bool") {
            // A set of opcodes: those whose value differs from `default`.
            let set: Vec<String> =
                codes.iter().filter(|c| arm(c).is_some()).map(|c| format!("Opcode::{}", c.name)).collect();
            let test = format!("matches!(self, {})", set.join(" | "));
            let body = if default == "true" { format!("!{test}") } else { test };
            writeln!(w, "    /// {doc}\n    pub const fn {sig} {{\n        {body}\n    }}").unwrap();
            return;
        }
        writeln!(w, "    /// {doc}\n    pub const fn {sig} {{\n        match self {{").unwrap();
        for c in &codes {
            if let Some(v) = arm(c) {
                writeln!(w, "            Opcode::{} => {v},", c.name).unwrap();
            }
        }
        if !default.is_empty() {
            writeln!(
                w,
                "            #[allow(unreachable_patterns, clippy::allow_attributes)]\n            _ => {default},"
            )
            .unwrap();
        }
        writeln!(w, "        }}\n    }}").unwrap();
    };
    table(w, "The base op of this opcode (itself for a base op).", "base(self) -> Opcode", "", &|c| {
        Some(format!("Opcode::{}", c.op.name))
    });
    table(w, "Which form of its base op this opcode is.", "form(self) -> Form", "", &|c| {
        Some(format!("Form::{:?}", c.form))
    });
    table(
        w,
        "The group the op belongs to (the file its handler and lowering live in).",
        "group(self) -> Group",
        "",
        &|c| Some(format!("Group::{:?}", c.op.group)),
    );
    table(
        w,
        "Byte offsets (from the opcode) of this instruction's `Slot` operands, and how many there are.",
        "slot_offsets(self) -> ([u8; 8], usize)",
        "",
        &|c| {
            let mut at = 2;
            let mut out = Vec::new();
            for (_, k) in &c.op.operands {
                if *k == Kind::Slot {
                    out.push(at);
                }
                at += k.size();
            }
            let n = out.len();
            out.resize(8, 0);
            Some(format!("({out:?}, {n})"))
        },
    );
    table(w, "The accumulator form of this op, if it has one.", "acc_form(self) -> Option<AccForm>", "None", &|c| {
        let acc = c.op.acc?;
        (c.form == Form::Plain).then(|| {
            format!(
                "Some(AccForm {{ acc: Opcode::{}A, commutes: {}, reads: {}, operand: {} }})",
                c.op.name,
                acc.commutes,
                bank(acc.reads),
                if acc.result.is_some() { 1 } else { 0 }
            )
        })
    });
    table(
        w,
        "The accumulator this op leaves its result in, if any: every op with an accumulator form that has a result, and its forms.",
        "acc_result(self) -> Option<AccBank>",
        "None",
        &|c| Some(format!("Some({})", bank(c.op.acc?.result?))),
    );
    table(
        w,
        "The form of this op that leaves its result in the accumulator only (`Base` -> `BaseR`, `BaseA` -> `BaseAR`).",
        "reg_form(self) -> Option<Opcode>",
        "None",
        &|c| {
            c.op.acc?.result?;
            match c.form {
                Form::Plain => Some(format!("Some(Opcode::{}R)", c.op.name)),
                Form::Acc => Some(format!("Some(Opcode::{}AR)", c.op.name)),
                _ => None,
            }
        },
    );
    table(
        w,
        "Does this op write its `dst` slot? Not the register-result forms.",
        "writes_dst(self) -> bool",
        "true",
        &|c| matches!(c.form, Form::Reg | Form::AccReg).then(|| "false".to_string()),
    );
    table(
        w,
        "The accumulator this op reads an operand from, and which `Slot` operand that is (as `AccForm::operand`).",
        "acc_operand(self) -> Option<(AccBank, usize)>",
        "None",
        &|c| match c.form {
            Form::Acc | Form::AccReg => {
                let acc = c.op.acc?;
                Some(format!("Some(({}, {}))", bank(acc.reads), if acc.result.is_some() { 1 } else { 0 }))
            }
            Form::Value => Some(format!("Some(({}, 1))", bank(c.op.value?))),
            _ => None,
        },
    );
    table(
        w,
        "The store form that takes the stored value (`value`) from an accumulator, and which one.",
        "value_form(self) -> Option<(Opcode, AccBank)>",
        "None",
        &|c| (c.form == Form::Plain).then(|| Some(format!("Some((Opcode::{}V, {}))", c.op.name, bank(c.op.value?))))?,
    );
    table(
        w,
        "The op that computes this non-commuting op with its two operands swapped, where there is one (`F64Sub` <-> `F64SubRev`).",
        "mirror(self) -> Option<Opcode>",
        "None",
        &|c| (c.form == Form::Plain).then(|| Some(format!("Some(Opcode::{})", c.op.mirror.as_ref()?)))?,
    );
    table(
        w,
        "The op that canonicalises this op's NaN results (`Config::canonicalize_nans`), for an op whose float result may be a NaN it computed.",
        "canon_nan(self) -> Option<Opcode>",
        "None",
        &|c| (c.form == Form::Plain).then(|| Some(format!("Some(Opcode::{})", c.op.nan?)))?,
    );
    table(
        w,
        "A multiply fused with the add or subtract of its product: the two ops, and whether the product is the second op's first operand.",
        "mul_then(self) -> Option<(Opcode, Opcode, bool)>",
        "None",
        &|c| {
            let (mul, then, order) = c.op.mul_then?;
            Some(format!("Some((Opcode::{mul}, Opcode::{then}, {}))", order != Order::Second))
        },
    );
    table(
        w,
        "Is this op the add or subtract of some multiply-then-add op (`Op::mul_then` may fuse it)?",
        "takes_product(self) -> bool",
        "false",
        &|c| ops.iter().any(|o| o.mul_then.is_some_and(|(_, then, _)| then == c.name)).then(|| "true".to_string()),
    );
    table(
        w,
        "A vector test fused with the branch on its result: the test.",
        "branch_test(self) -> Option<Opcode>",
        "None",
        &|c| Some(format!("Some(Opcode::{})", c.op.test?)),
    );
    table(
        w,
        "The form of a call that counts the callee's calls (tiered mode).",
        "hot_form(self) -> Option<Opcode>",
        "None",
        &|c| (c.form == Form::Plain && c.op.hot).then(|| format!("Some(Opcode::{}Hot)", c.op.name)),
    );
    table(
        w,
        "Does control never fall through this op to the next instruction?",
        "ends_block(self) -> bool",
        "false",
        &|c| c.op.ends.then(|| "true".to_string()),
    );
    table(w, "What the op does with linear memory 0.", "memory_use(self) -> Option<MemUse>", "None", &|c| {
        c.op.memory.map(|m| format!("Some(MemUse::{m:?})"))
    });
    table(
        w,
        "The trap codes the op itself may raise (a call also passes on its callee's).",
        "traps(self) -> &'static [TrapCode]",
        "&[]",
        &|c| {
            (!c.op.traps.is_empty()).then(|| {
                let list: Vec<String> = c.op.traps.iter().map(|t| format!("TrapCode::{t}")).collect();
                format!("&[{}]", list.join(", "))
            })
        },
    );
    table(
        w,
        "For a load or store that names its memory (`I32LoadMem`), the memory-0 op it is the twin of.",
        "memory0_op(self) -> Option<Opcode>",
        "None",
        &|c| Some(format!("Some(Opcode::{})", c.op.twin.as_ref()?)),
    );
    table(w, "Does the op call a function?", "is_call(self) -> bool", "false", &|c| {
        c.op.call.then(|| "true".to_string())
    });
    table(w, "The condition a comparison or a conditional branch tests.", "cond(self) -> Option<Cond>", "None", &|c| {
        c.op.cond.map(|k| format!("Some(Cond::{k})"))
    });
    writeln!(w, "}}").unwrap();

    // Decoded-op relations and the base-op view.
    writeln!(w, "impl Op {{").unwrap();
    writeln!(w, "    /// The op's base op, with the same operands: what a compiler lowers.").unwrap();
    writeln!(w, "    pub fn base(self) -> BaseOp {{\n        match self {{").unwrap();
    for c in &codes {
        let n = names(c.op);
        writeln!(w, "            Op::{} {{ {n} }} => BaseOp::{} {{ {n} }},", c.name, c.op.name).unwrap();
    }
    writeln!(w, "        }}\n    }}").unwrap();

    writeln!(
        w,
        "    /// The twin of a memory-0 load or store (plain form) that accesses memory `mem` at\n    \
         /// offset `offset` instead (see `vm-core/build/desc.rs`)."
    )
    .unwrap();
    writeln!(w, "    pub fn on_memory(self, mem: MemRef, offset: u64) -> Option<Op> {{\n        Some(match self {{")
        .unwrap();
    for o in ops.iter().filter(|o| o.twin.is_some()) {
        let base = o.twin.as_deref().expect("filtered");
        let fields = twin_fields(o);
        writeln!(
            w,
            "            Op::{base} {{ {}, offset: _ }} => Op::{} {{ {}, offset, mem }},",
            fields.join(", "),
            o.name,
            fields.join(", ")
        )
        .unwrap();
    }
    writeln!(w, "            _ => return None,\n        }})\n    }}").unwrap();
    writeln!(w, "    /// The branch target of a branch op (`BrTable`'s follow the op: `br_table_target`).").unwrap();
    writeln!(w, "    pub fn target(&self) -> Option<Target> {{\n        match *self {{").unwrap();
    for c in &codes {
        if c.op.operands.iter().any(|(f, k)| *f == "target" && *k == Kind::Target) {
            writeln!(w, "            Op::{} {{ target, .. }} => Some(target),", c.name).unwrap();
        }
    }
    writeln!(w, "            _ => None,\n        }}\n    }}").unwrap();

    writeln!(
        w,
        "    /// A comparison (or `eqz`, or `and`) fused with a branch on its result: the branch to `target` taken when the result is non-zero."
    )
    .unwrap();
    writeln!(w, "    pub fn fused_branch(self, target: Target) -> Option<Op> {{\n        Some(match self {{").unwrap();
    let by_name: HashMap<&str, &Op> = ops.iter().map(|o| (o.name.as_str(), o)).collect();
    for o in ops {
        let Some(b) = &o.branch else { continue };
        let br = by_name[b.as_str()];
        let srcs: Vec<&str> = o.operands.iter().skip(1).map(|(f, _)| *f).collect();
        let assign: Vec<String> = br
            .operands
            .iter()
            .zip(srcs.iter())
            .map(|((bf, _), sf)| if bf == sf { sf.to_string() } else { format!("{bf}: {sf}") })
            .collect();
        writeln!(
            w,
            "            Op::{} {{ {}, .. }} => Op::{} {{ {}, target }},",
            o.name,
            srcs.join(", "),
            b,
            assign.join(", ")
        )
        .unwrap();
    }
    writeln!(w, "            _ => return None,\n        }})\n    }}").unwrap();

    writeln!(
        w,
        "    /// `then` (an add or subtract) fused with `mul`, the multiply whose product it\n    \
         /// reads once: the fused op, and the product's slot (which the caller must know\n    \
         /// to be dead afterwards)."
    )
    .unwrap();
    writeln!(w, "    pub fn mul_then(mul: Op, then: Op) -> Option<(Op, Slot)> {{\n        match (mul, then) {{")
        .unwrap();
    for o in ops {
        let Some((mul, then, order)) = o.mul_then else { continue };
        let head = format!("(Op::{mul} {{ dst: p, lhs: a, rhs: b }}, Op::{then} {{ dst, lhs, rhs }})");
        if order != Order::Second {
            writeln!(
                w,
                "            {head} if lhs == p && rhs != p => Some((Op::{} {{ dst, a, b, c: rhs }}, p)),",
                o.name
            )
            .unwrap();
        }
        if order != Order::First {
            writeln!(
                w,
                "            {head} if rhs == p && lhs != p => Some((Op::{} {{ dst, a, b, c: lhs }}, p)),",
                o.name
            )
            .unwrap();
        }
    }
    writeln!(w, "            _ => None,\n        }}\n    }}").unwrap();

    writeln!(w, "    /// The branch to `target` taken exactly when this one is not.").unwrap();
    writeln!(w, "    pub fn opposite(self, target: Target) -> Option<Op> {{\n        Some(match self {{").unwrap();
    for o in ops {
        let Some(p) = &o.opposite else { continue };
        let others: Vec<&str> = o.operands.iter().map(|(f, _)| *f).filter(|f| *f != "target").collect();
        let n = others.join(", ");
        writeln!(w, "            Op::{} {{ {n}, .. }} => Op::{p} {{ {n}, target }},", o.name).unwrap();
    }
    writeln!(w, "            _ => return None,\n        }})\n    }}").unwrap();

    writeln!(w, "    /// The two compared operands of a comparison or compare-and-branch (`lhs`, `rhs`).").unwrap();
    writeln!(w, "    pub fn compared(&self) -> Option<(Slot, Slot)> {{\n        match *self {{").unwrap();
    for c in &codes {
        let has = |n: &str| c.op.operands.iter().any(|(f, _)| *f == n);
        if c.op.cond.is_some() && has("lhs") && has("rhs") {
            writeln!(w, "            Op::{} {{ lhs, rhs, .. }} => Some((lhs, rhs)),", c.name).unwrap();
        }
    }
    writeln!(w, "            _ => None,\n        }}\n    }}").unwrap();

    writeln!(w, "    /// The same test with `lhs` and `rhs` swapped (`a < b` is `b > a`).").unwrap();
    writeln!(w, "    pub fn swapped(self) -> Option<Op> {{\n        Some(match self {{").unwrap();
    for o in ops {
        let Some(p) = &o.swapped else { continue };
        let n = names(o);
        let assign: Vec<String> = o
            .operands
            .iter()
            .map(|(f, _)| match *f {
                "lhs" => "lhs: rhs".to_string(),
                "rhs" => "rhs: lhs".to_string(),
                f => f.to_string(),
            })
            .collect();
        writeln!(w, "            Op::{} {{ {n} }} => Op::{p} {{ {} }},", o.name, assign.join(", ")).unwrap();
    }
    writeln!(w, "            _ => return None,\n        }})\n    }}").unwrap();

    writeln!(
        w,
        "    /// A compare-and-branch that also adds `step` to its `lhs` first (`lhs += step; if lhs < rhs ..`)."
    )
    .unwrap();
    writeln!(
        w,
        "    pub fn with_increment(self, step: Increment) -> Option<Op> {{\n        Some(match (self, step) {{"
    )
    .unwrap();
    for o in ops {
        let Some((imm, slot)) = &o.increment else { continue };
        writeln!(
            w,
            "            (Op::{} {{ lhs, rhs, target }}, Increment::Imm(imm)) => Op::{imm} {{ lhs, rhs, imm, target }},",
            o.name
        )
        .unwrap();
        writeln!(
            w,
            "            (Op::{} {{ lhs, rhs, target }}, Increment::Slot(step)) => Op::{slot} {{ lhs, step, rhs, target }},",
            o.name
        )
        .unwrap();
    }
    writeln!(w, "            _ => return None,\n        }})\n    }}").unwrap();
    writeln!(w, "}}").unwrap();

    writeln!(
        w,
        "/// A decoded instruction with its form forgotten: one variant per base op, so a compiler's exhaustive `match` names every op once."
    )
    .unwrap();
    writeln!(w, "#[derive(Clone, Copy, Debug, PartialEq, Eq)]\npub enum BaseOp {{").unwrap();
    for o in ops {
        writeln!(w, "    {} {{ {} }},", o.name, fields(o)).unwrap();
    }
    writeln!(w, "}}").unwrap();
    writeln!(w, "impl BaseOp {{\n    /// The opcode of the base op.\n    pub fn opcode(&self) -> Opcode {{\n        match self {{").unwrap();
    for o in ops {
        writeln!(w, "            BaseOp::{} {{ .. }} => Opcode::{},", o.name, o.name).unwrap();
    }
    writeln!(w, "        }}\n    }}").unwrap();
    writeln!(
        w,
        "    /// A load or store that names its memory: its memory-0 op (with offset 0), the memory\n    \
         /// and the offset."
    )
    .unwrap();
    writeln!(w, "    pub fn split_memory(self) -> Option<(BaseOp, MemRef, u64)> {{\n        Some(match self {{")
        .unwrap();
    for o in ops.iter().filter(|o| o.twin.is_some()) {
        let base = o.twin.as_deref().expect("filtered");
        let fields = twin_fields(o);
        writeln!(
            w,
            "            BaseOp::{} {{ {}, offset, mem }} => (BaseOp::{base} {{ {}, offset: 0 }}, mem, offset),",
            o.name,
            fields.join(", "),
            fields.join(", ")
        )
        .unwrap();
    }
    writeln!(w, "            _ => return None,\n        }})\n    }}\n}}").unwrap();

    // Where every form of a load or store accesses, for the interpreter's
    // handlers, which serve an op and its twin with one body.
    for c in &codes {
        let Some(MemUse::Load(_) | MemUse::Store(_)) = c.op.memory else { continue };
        let body = if c.op.twin.is_some() { "(self.mem, self.offset)" } else { "(MemRef::ZERO, self.offset as u64)" };
        writeln!(
            w,
            "impl ops::{} {{\n    /// The memory accessed and the offset.\n    #[inline(always)]\n    pub fn memarg(&self) -> (MemRef, u64) {{\n        {body}\n    }}\n}}",
            c.name
        )
        .unwrap();
    }
    s
}
