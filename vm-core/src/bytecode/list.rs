//! The single list of bytecode instructions.
//!
//! Every op is written once here as `Name { operand: Kind, ... }`. From this
//! list `super` generates the `Opcode` enum, the decoded `Op` enum, one
//! operand struct per op (`ops::Name`, read unchecked by the dispatch loop),
//! the encoder, the checked decoder and the disassembler.
//!
//! Operand kinds (fixed width, little endian):
//! - `Slot` (2 bytes): a value slot of the current frame (params, locals, temporaries);
//! - `U32`  (4 bytes): an index, a memory offset, a fuel amount or a 32-bit immediate;
//! - `U64`  (8 bytes): a 64-bit immediate;
//! - `Target` (4 bytes): an absolute byte position in the function's code;
//! - `Ty` (1 byte): a `ValType` code, kept so a compiler knows the slot's type.
//!
//! Naming: `<Type><Op>` for typed numeric ops on slots (`lhs`, `rhs`, `src`,
//! `dst`); the suffix `Imm` means the right operand is an immediate. Loads read
//! `addr + offset` into `dst`; stores write `value` to `addr + offset`.
//! `ReturnSlot` moves its one result to slot 0 and returns.
//! `Copy2` is `Copy` then `Copy` (`dst2 = src2` after `dst = src`): two
//! moves in a row, as at the end of a loop body that rotates locals.
//! `Call` names a defined function and the VMContext offset of its funcref
//! record; `CallImported` the offset of the pointer to the exporter's record.
//! `Br<Type><Cmp>` fuse a comparison with the branch that consumes it;
//! `BrF32NotLt` and friends jump when the comparison is false (which, with
//! NaNs, is not the opposite comparison). `BrI32AddImm<Cmp>` and
//! `BrI32Add<Cmp>` also fuse the `i += k` (constant or slot) just before
//! such a branch that tests `i`, as at the end of a counted loop.
//! `BrTable` is followed by `len + 1` `Target`s (the last is the default).
//! `Reinterpret` copies bits between the integer and float type of one
//! width; `ty` is the destination type (a compiler needs both types).
//! `HotLoop` (loop headers) counts towards tier-up, and the `Call*Hot`
//! forms are their calls that also count the callee's calls; both are
//! emitted only when the module is interpreted in tiered mode, so an
//! interpreter-only store does no counting at all. `HotLoop` charges no fuel
//! and compiles to nothing; the JIT compiles `Call*Hot` as the plain call.

#[macro_export]
#[doc(hidden)]
macro_rules! for_each_op {
    ($m:ident) => {
        $m! {
            // --- control ---
            Unreachable {};
            ConsumeFuel { amount: U32 };
            HotLoop {};
            Br { target: Target };
            BrIfNez { cond: Slot, target: Target };
            BrIfEqz { cond: Slot, target: Target };
            BrF32Eq { lhs: Slot, rhs: Slot, target: Target };
            BrF32Ne { lhs: Slot, rhs: Slot, target: Target };
            BrF32Lt { lhs: Slot, rhs: Slot, target: Target };
            BrF32Gt { lhs: Slot, rhs: Slot, target: Target };
            BrF32Le { lhs: Slot, rhs: Slot, target: Target };
            BrF32Ge { lhs: Slot, rhs: Slot, target: Target };
            BrF32NotLt { lhs: Slot, rhs: Slot, target: Target };
            BrF32NotGt { lhs: Slot, rhs: Slot, target: Target };
            BrF32NotLe { lhs: Slot, rhs: Slot, target: Target };
            BrF32NotGe { lhs: Slot, rhs: Slot, target: Target };
            BrF64Eq { lhs: Slot, rhs: Slot, target: Target };
            BrF64Ne { lhs: Slot, rhs: Slot, target: Target };
            BrF64Lt { lhs: Slot, rhs: Slot, target: Target };
            BrF64Gt { lhs: Slot, rhs: Slot, target: Target };
            BrF64Le { lhs: Slot, rhs: Slot, target: Target };
            BrF64Ge { lhs: Slot, rhs: Slot, target: Target };
            BrF64NotLt { lhs: Slot, rhs: Slot, target: Target };
            BrF64NotGt { lhs: Slot, rhs: Slot, target: Target };
            BrF64NotLe { lhs: Slot, rhs: Slot, target: Target };
            BrF64NotGe { lhs: Slot, rhs: Slot, target: Target };
            BrI64Eqz { cond: Slot, target: Target };
            BrI64Nez { cond: Slot, target: Target };
            BrTable { index: Slot, len: U32 };
            // test-and-branch: jump to `target` when `lhs & rhs` is non-zero (Nz) or zero (Z)
            BrI32AndNz { lhs: Slot, rhs: Slot, target: Target };
            BrI32AndZ { lhs: Slot, rhs: Slot, target: Target };
            BrI64AndNz { lhs: Slot, rhs: Slot, target: Target };
            BrI64AndZ { lhs: Slot, rhs: Slot, target: Target };
            // compare-and-branch: jump to `target` when `lhs <cmp> rhs`
            BrI32Eq { lhs: Slot, rhs: Slot, target: Target };
            BrI32Ne { lhs: Slot, rhs: Slot, target: Target };
            BrI32LtS { lhs: Slot, rhs: Slot, target: Target };
            BrI32LtU { lhs: Slot, rhs: Slot, target: Target };
            BrI32GtS { lhs: Slot, rhs: Slot, target: Target };
            BrI32GtU { lhs: Slot, rhs: Slot, target: Target };
            BrI32LeS { lhs: Slot, rhs: Slot, target: Target };
            BrI32LeU { lhs: Slot, rhs: Slot, target: Target };
            BrI32GeS { lhs: Slot, rhs: Slot, target: Target };
            BrI32GeU { lhs: Slot, rhs: Slot, target: Target };
            BrI64Eq { lhs: Slot, rhs: Slot, target: Target };
            BrI64Ne { lhs: Slot, rhs: Slot, target: Target };
            BrI64LtS { lhs: Slot, rhs: Slot, target: Target };
            BrI64LtU { lhs: Slot, rhs: Slot, target: Target };
            BrI64GtS { lhs: Slot, rhs: Slot, target: Target };
            BrI64GtU { lhs: Slot, rhs: Slot, target: Target };
            BrI64LeS { lhs: Slot, rhs: Slot, target: Target };
            BrI64LeU { lhs: Slot, rhs: Slot, target: Target };
            BrI64GeS { lhs: Slot, rhs: Slot, target: Target };
            BrI64GeU { lhs: Slot, rhs: Slot, target: Target };
            // increment-and-branch: `lhs += imm` (written back), then jump
            // to `target` when the new `lhs <cmp> rhs`
            BrI32AddImmEq { lhs: Slot, rhs: Slot, imm: U32, target: Target };
            BrI32AddImmNe { lhs: Slot, rhs: Slot, imm: U32, target: Target };
            BrI32AddImmLtS { lhs: Slot, rhs: Slot, imm: U32, target: Target };
            BrI32AddImmLtU { lhs: Slot, rhs: Slot, imm: U32, target: Target };
            BrI32AddImmGtS { lhs: Slot, rhs: Slot, imm: U32, target: Target };
            BrI32AddImmGtU { lhs: Slot, rhs: Slot, imm: U32, target: Target };
            BrI32AddImmLeS { lhs: Slot, rhs: Slot, imm: U32, target: Target };
            BrI32AddImmLeU { lhs: Slot, rhs: Slot, imm: U32, target: Target };
            BrI32AddImmGeS { lhs: Slot, rhs: Slot, imm: U32, target: Target };
            BrI32AddImmGeU { lhs: Slot, rhs: Slot, imm: U32, target: Target };
            // the same with a slot: `lhs += step`, then jump when the new `lhs <cmp> rhs`
            BrI32AddEq { lhs: Slot, step: Slot, rhs: Slot, target: Target };
            BrI32AddNe { lhs: Slot, step: Slot, rhs: Slot, target: Target };
            BrI32AddLtS { lhs: Slot, step: Slot, rhs: Slot, target: Target };
            BrI32AddLtU { lhs: Slot, step: Slot, rhs: Slot, target: Target };
            BrI32AddGtS { lhs: Slot, step: Slot, rhs: Slot, target: Target };
            BrI32AddGtU { lhs: Slot, step: Slot, rhs: Slot, target: Target };
            BrI32AddLeS { lhs: Slot, step: Slot, rhs: Slot, target: Target };
            BrI32AddLeU { lhs: Slot, step: Slot, rhs: Slot, target: Target };
            BrI32AddGeS { lhs: Slot, step: Slot, rhs: Slot, target: Target };
            BrI32AddGeU { lhs: Slot, step: Slot, rhs: Slot, target: Target };
            Return {};
            ReturnSlot { src: Slot };
            Call { func: U32, offset: U32, args: Slot };
            CallImported { func: U32, offset: U32, args: Slot };
            CallIndirect { table: U32, sig: U32, index: Slot, args: Slot };
            CallHot { func: U32, offset: U32, args: Slot };
            CallImportedHot { func: U32, offset: U32, args: Slot };
            CallIndirectHot { table: U32, sig: U32, index: Slot, args: Slot };
            // --- moves and constants ---
            Copy { dst: Slot, src: Slot, ty: Ty };
            Copy2 { dst: Slot, src: Slot, dst2: Slot, src2: Slot, ty: Ty, ty2: Ty };
            Reinterpret { dst: Slot, src: Slot, ty: Ty };
            Const32 { dst: Slot, imm: U32 };
            Const64 { dst: Slot, imm: U64 };
            Select { dst: Slot, cond: Slot, a: Slot, b: Slot, ty: Ty };
            // --- globals ---
            GlobalGet { dst: Slot, offset: U32 };
            GlobalSet { src: Slot, offset: U32 };
            GlobalGetImported { dst: Slot, offset: U32 };
            GlobalSetImported { src: Slot, offset: U32 };
            // --- memory ---
            I32Load { dst: Slot, addr: Slot, offset: U32 };
            I64Load { dst: Slot, addr: Slot, offset: U32 };
            F32Load { dst: Slot, addr: Slot, offset: U32 };
            F64Load { dst: Slot, addr: Slot, offset: U32 };
            I32Load8S { dst: Slot, addr: Slot, offset: U32 };
            I32Load8U { dst: Slot, addr: Slot, offset: U32 };
            I32Load16S { dst: Slot, addr: Slot, offset: U32 };
            I32Load16U { dst: Slot, addr: Slot, offset: U32 };
            I64Load8S { dst: Slot, addr: Slot, offset: U32 };
            I64Load8U { dst: Slot, addr: Slot, offset: U32 };
            I64Load16S { dst: Slot, addr: Slot, offset: U32 };
            I64Load16U { dst: Slot, addr: Slot, offset: U32 };
            I64Load32S { dst: Slot, addr: Slot, offset: U32 };
            I64Load32U { dst: Slot, addr: Slot, offset: U32 };
            I32Store { addr: Slot, value: Slot, offset: U32 };
            I64Store { addr: Slot, value: Slot, offset: U32 };
            F32Store { addr: Slot, value: Slot, offset: U32 };
            F64Store { addr: Slot, value: Slot, offset: U32 };
            I32Store8 { addr: Slot, value: Slot, offset: U32 };
            I32Store16 { addr: Slot, value: Slot, offset: U32 };
            I64Store8 { addr: Slot, value: Slot, offset: U32 };
            I64Store16 { addr: Slot, value: Slot, offset: U32 };
            I64Store32 { addr: Slot, value: Slot, offset: U32 };
            MemorySize { dst: Slot };
            MemoryGrow { dst: Slot, delta: Slot };
            MemoryFill { dst: Slot, value: Slot, len: Slot };
            MemoryCopy { dst: Slot, src: Slot, len: Slot };
            MemoryInit { data: U32, dst: Slot, src: Slot, len: Slot };
            DataDrop { data: U32 };
            // --- tables and references ---
            TableGet { dst: Slot, table: U32, index: Slot };
            TableSet { table: U32, index: Slot, value: Slot };
            TableSize { dst: Slot, table: U32 };
            TableGrow { dst: Slot, table: U32, init: Slot, delta: Slot };
            TableFill { table: U32, dst: Slot, value: Slot, len: Slot };
            TableCopy { dst_table: U32, src_table: U32, dst: Slot, src: Slot, len: Slot };
            TableInit { table: U32, elem: U32, dst: Slot, src: Slot, len: Slot };
            ElemDrop { elem: U32 };
            RefFunc { dst: Slot, func: U32 };
            RefIsNull { dst: Slot, src: Slot };
            // --- i32 ---
            I32Add { dst: Slot, lhs: Slot, rhs: Slot };
            I32AddImm { dst: Slot, lhs: Slot, imm: U32 };
            I32Sub { dst: Slot, lhs: Slot, rhs: Slot };
            I32Mul { dst: Slot, lhs: Slot, rhs: Slot };
            I32DivS { dst: Slot, lhs: Slot, rhs: Slot };
            I32DivU { dst: Slot, lhs: Slot, rhs: Slot };
            I32RemS { dst: Slot, lhs: Slot, rhs: Slot };
            I32RemU { dst: Slot, lhs: Slot, rhs: Slot };
            I32And { dst: Slot, lhs: Slot, rhs: Slot };
            I32Or { dst: Slot, lhs: Slot, rhs: Slot };
            I32Xor { dst: Slot, lhs: Slot, rhs: Slot };
            I32Shl { dst: Slot, lhs: Slot, rhs: Slot };
            I32ShrS { dst: Slot, lhs: Slot, rhs: Slot };
            I32ShrU { dst: Slot, lhs: Slot, rhs: Slot };
            I32Rotl { dst: Slot, lhs: Slot, rhs: Slot };
            I32Rotr { dst: Slot, lhs: Slot, rhs: Slot };
            I32Eq { dst: Slot, lhs: Slot, rhs: Slot };
            I32Ne { dst: Slot, lhs: Slot, rhs: Slot };
            I32LtS { dst: Slot, lhs: Slot, rhs: Slot };
            I32LtU { dst: Slot, lhs: Slot, rhs: Slot };
            I32GtS { dst: Slot, lhs: Slot, rhs: Slot };
            I32GtU { dst: Slot, lhs: Slot, rhs: Slot };
            I32LeS { dst: Slot, lhs: Slot, rhs: Slot };
            I32LeU { dst: Slot, lhs: Slot, rhs: Slot };
            I32GeS { dst: Slot, lhs: Slot, rhs: Slot };
            I32GeU { dst: Slot, lhs: Slot, rhs: Slot };
            I32Clz { dst: Slot, src: Slot };
            I32Ctz { dst: Slot, src: Slot };
            I32Popcnt { dst: Slot, src: Slot };
            I32Eqz { dst: Slot, src: Slot };
            I32Extend8S { dst: Slot, src: Slot };
            I32Extend16S { dst: Slot, src: Slot };
            I32WrapI64 { dst: Slot, src: Slot };
            I32TruncF32S { dst: Slot, src: Slot };
            I32TruncF32U { dst: Slot, src: Slot };
            I32TruncF64S { dst: Slot, src: Slot };
            I32TruncF64U { dst: Slot, src: Slot };
            I32TruncSatF32S { dst: Slot, src: Slot };
            I32TruncSatF32U { dst: Slot, src: Slot };
            I32TruncSatF64S { dst: Slot, src: Slot };
            I32TruncSatF64U { dst: Slot, src: Slot };
            // --- i64 ---
            I64Add { dst: Slot, lhs: Slot, rhs: Slot };
            I64AddImm { dst: Slot, lhs: Slot, imm: U64 };
            I64Sub { dst: Slot, lhs: Slot, rhs: Slot };
            I64Mul { dst: Slot, lhs: Slot, rhs: Slot };
            I64DivS { dst: Slot, lhs: Slot, rhs: Slot };
            I64DivU { dst: Slot, lhs: Slot, rhs: Slot };
            I64RemS { dst: Slot, lhs: Slot, rhs: Slot };
            I64RemU { dst: Slot, lhs: Slot, rhs: Slot };
            I64And { dst: Slot, lhs: Slot, rhs: Slot };
            I64Or { dst: Slot, lhs: Slot, rhs: Slot };
            I64Xor { dst: Slot, lhs: Slot, rhs: Slot };
            I64Shl { dst: Slot, lhs: Slot, rhs: Slot };
            I64ShrS { dst: Slot, lhs: Slot, rhs: Slot };
            I64ShrU { dst: Slot, lhs: Slot, rhs: Slot };
            I64Rotl { dst: Slot, lhs: Slot, rhs: Slot };
            I64Rotr { dst: Slot, lhs: Slot, rhs: Slot };
            I64Eq { dst: Slot, lhs: Slot, rhs: Slot };
            I64Ne { dst: Slot, lhs: Slot, rhs: Slot };
            I64LtS { dst: Slot, lhs: Slot, rhs: Slot };
            I64LtU { dst: Slot, lhs: Slot, rhs: Slot };
            I64GtS { dst: Slot, lhs: Slot, rhs: Slot };
            I64GtU { dst: Slot, lhs: Slot, rhs: Slot };
            I64LeS { dst: Slot, lhs: Slot, rhs: Slot };
            I64LeU { dst: Slot, lhs: Slot, rhs: Slot };
            I64GeS { dst: Slot, lhs: Slot, rhs: Slot };
            I64GeU { dst: Slot, lhs: Slot, rhs: Slot };
            I64Clz { dst: Slot, src: Slot };
            I64Ctz { dst: Slot, src: Slot };
            I64Popcnt { dst: Slot, src: Slot };
            I64Eqz { dst: Slot, src: Slot };
            I64Extend8S { dst: Slot, src: Slot };
            I64Extend16S { dst: Slot, src: Slot };
            I64Extend32S { dst: Slot, src: Slot };
            I64ExtendI32S { dst: Slot, src: Slot };
            I64ExtendI32U { dst: Slot, src: Slot };
            I64TruncF32S { dst: Slot, src: Slot };
            I64TruncF32U { dst: Slot, src: Slot };
            I64TruncF64S { dst: Slot, src: Slot };
            I64TruncF64U { dst: Slot, src: Slot };
            I64TruncSatF32S { dst: Slot, src: Slot };
            I64TruncSatF32U { dst: Slot, src: Slot };
            I64TruncSatF64S { dst: Slot, src: Slot };
            I64TruncSatF64U { dst: Slot, src: Slot };
            // --- f32 ---
            F32Add { dst: Slot, lhs: Slot, rhs: Slot };
            F32Sub { dst: Slot, lhs: Slot, rhs: Slot };
            F32Mul { dst: Slot, lhs: Slot, rhs: Slot };
            F32Div { dst: Slot, lhs: Slot, rhs: Slot };
            F32Min { dst: Slot, lhs: Slot, rhs: Slot };
            F32Max { dst: Slot, lhs: Slot, rhs: Slot };
            F32Copysign { dst: Slot, lhs: Slot, rhs: Slot };
            F32Eq { dst: Slot, lhs: Slot, rhs: Slot };
            F32Ne { dst: Slot, lhs: Slot, rhs: Slot };
            F32Lt { dst: Slot, lhs: Slot, rhs: Slot };
            F32Gt { dst: Slot, lhs: Slot, rhs: Slot };
            F32Le { dst: Slot, lhs: Slot, rhs: Slot };
            F32Ge { dst: Slot, lhs: Slot, rhs: Slot };
            F32Abs { dst: Slot, src: Slot };
            F32Neg { dst: Slot, src: Slot };
            F32Ceil { dst: Slot, src: Slot };
            F32Floor { dst: Slot, src: Slot };
            F32Trunc { dst: Slot, src: Slot };
            F32Nearest { dst: Slot, src: Slot };
            F32Sqrt { dst: Slot, src: Slot };
            F32ConvertI32S { dst: Slot, src: Slot };
            F32ConvertI32U { dst: Slot, src: Slot };
            F32ConvertI64S { dst: Slot, src: Slot };
            F32ConvertI64U { dst: Slot, src: Slot };
            F32DemoteF64 { dst: Slot, src: Slot };
            // --- f64 ---
            F64Add { dst: Slot, lhs: Slot, rhs: Slot };
            F64Sub { dst: Slot, lhs: Slot, rhs: Slot };
            F64Mul { dst: Slot, lhs: Slot, rhs: Slot };
            F64Div { dst: Slot, lhs: Slot, rhs: Slot };
            // `rhs - lhs` and `rhs / lhs`: the translator's mirror of
            // `F64Sub`/`F64Div` when the right operand is in the
            // accumulator (`Opcode::mirror`), never emitted otherwise.
            F64SubRev { dst: Slot, lhs: Slot, rhs: Slot };
            F64DivRev { dst: Slot, lhs: Slot, rhs: Slot };
            F64Min { dst: Slot, lhs: Slot, rhs: Slot };
            F64Max { dst: Slot, lhs: Slot, rhs: Slot };
            F64Copysign { dst: Slot, lhs: Slot, rhs: Slot };
            F64Eq { dst: Slot, lhs: Slot, rhs: Slot };
            F64Ne { dst: Slot, lhs: Slot, rhs: Slot };
            F64Lt { dst: Slot, lhs: Slot, rhs: Slot };
            F64Gt { dst: Slot, lhs: Slot, rhs: Slot };
            F64Le { dst: Slot, lhs: Slot, rhs: Slot };
            F64Ge { dst: Slot, lhs: Slot, rhs: Slot };
            F64Abs { dst: Slot, src: Slot };
            F64Neg { dst: Slot, src: Slot };
            F64Ceil { dst: Slot, src: Slot };
            F64Floor { dst: Slot, src: Slot };
            F64Trunc { dst: Slot, src: Slot };
            F64Nearest { dst: Slot, src: Slot };
            F64Sqrt { dst: Slot, src: Slot };
            F64ConvertI32S { dst: Slot, src: Slot };
            F64ConvertI32U { dst: Slot, src: Slot };
            F64ConvertI64S { dst: Slot, src: Slot };
            F64ConvertI64U { dst: Slot, src: Slot };
            F64PromoteF32 { dst: Slot, src: Slot };
            // --- accumulator forms: the base op with one operand read from the
            // interpreter's accumulator (see `for_each_acc_form`) ---
            I32AddA { dst: Slot, lhs: Slot, rhs: Slot };
            I32MulA { dst: Slot, lhs: Slot, rhs: Slot };
            I32AndA { dst: Slot, lhs: Slot, rhs: Slot };
            I32OrA { dst: Slot, lhs: Slot, rhs: Slot };
            I32XorA { dst: Slot, lhs: Slot, rhs: Slot };
            I32SubA { dst: Slot, lhs: Slot, rhs: Slot };
            I32ShlA { dst: Slot, lhs: Slot, rhs: Slot };
            I32ShrSA { dst: Slot, lhs: Slot, rhs: Slot };
            I32ShrUA { dst: Slot, lhs: Slot, rhs: Slot };
            I32RotlA { dst: Slot, lhs: Slot, rhs: Slot };
            I32RotrA { dst: Slot, lhs: Slot, rhs: Slot };
            I32AddImmA { dst: Slot, lhs: Slot, imm: U32 };
            I64AddA { dst: Slot, lhs: Slot, rhs: Slot };
            I64MulA { dst: Slot, lhs: Slot, rhs: Slot };
            I64AndA { dst: Slot, lhs: Slot, rhs: Slot };
            I64OrA { dst: Slot, lhs: Slot, rhs: Slot };
            I64XorA { dst: Slot, lhs: Slot, rhs: Slot };
            I64SubA { dst: Slot, lhs: Slot, rhs: Slot };
            I64ShlA { dst: Slot, lhs: Slot, rhs: Slot };
            I64ShrSA { dst: Slot, lhs: Slot, rhs: Slot };
            I64ShrUA { dst: Slot, lhs: Slot, rhs: Slot };
            I64RotlA { dst: Slot, lhs: Slot, rhs: Slot };
            I64RotrA { dst: Slot, lhs: Slot, rhs: Slot };
            I64AddImmA { dst: Slot, lhs: Slot, imm: U64 };
            F32AddA { dst: Slot, lhs: Slot, rhs: Slot };
            F32MulA { dst: Slot, lhs: Slot, rhs: Slot };
            F32SubA { dst: Slot, lhs: Slot, rhs: Slot };
            F32DivA { dst: Slot, lhs: Slot, rhs: Slot };
            F64AddA { dst: Slot, lhs: Slot, rhs: Slot };
            F64MulA { dst: Slot, lhs: Slot, rhs: Slot };
            F64SubA { dst: Slot, lhs: Slot, rhs: Slot };
            F64DivA { dst: Slot, lhs: Slot, rhs: Slot };
            F64SubRevA { dst: Slot, lhs: Slot, rhs: Slot };
            F64DivRevA { dst: Slot, lhs: Slot, rhs: Slot };
            I32EqzA { dst: Slot, src: Slot };
            I64EqzA { dst: Slot, src: Slot };
            I32WrapI64A { dst: Slot, src: Slot };
            I64ExtendI32SA { dst: Slot, src: Slot };
            I64ExtendI32UA { dst: Slot, src: Slot };
            I32Extend8SA { dst: Slot, src: Slot };
            I32Extend16SA { dst: Slot, src: Slot };
            F64ConvertI32SA { dst: Slot, src: Slot };
            F64ConvertI32UA { dst: Slot, src: Slot };
            F32ConvertI32SA { dst: Slot, src: Slot };
            F64PromoteF32A { dst: Slot, src: Slot };
            F32DemoteF64A { dst: Slot, src: Slot };
            F32AbsA { dst: Slot, src: Slot };
            F32NegA { dst: Slot, src: Slot };
            F32SqrtA { dst: Slot, src: Slot };
            F64AbsA { dst: Slot, src: Slot };
            F64NegA { dst: Slot, src: Slot };
            F64SqrtA { dst: Slot, src: Slot };
            CopyA { dst: Slot, src: Slot, ty: Ty };
            I32LoadA { dst: Slot, addr: Slot, offset: U32 };
            I64LoadA { dst: Slot, addr: Slot, offset: U32 };
            F32LoadA { dst: Slot, addr: Slot, offset: U32 };
            F64LoadA { dst: Slot, addr: Slot, offset: U32 };
            I32Load8SA { dst: Slot, addr: Slot, offset: U32 };
            I32Load8UA { dst: Slot, addr: Slot, offset: U32 };
            I32Load16SA { dst: Slot, addr: Slot, offset: U32 };
            I32Load16UA { dst: Slot, addr: Slot, offset: U32 };
            I64Load8SA { dst: Slot, addr: Slot, offset: U32 };
            I64Load8UA { dst: Slot, addr: Slot, offset: U32 };
            I64Load16SA { dst: Slot, addr: Slot, offset: U32 };
            I64Load16UA { dst: Slot, addr: Slot, offset: U32 };
            I64Load32SA { dst: Slot, addr: Slot, offset: U32 };
            I64Load32UA { dst: Slot, addr: Slot, offset: U32 };
            // --- reader forms: branches and stores reading their first operand
            // (`cond`, `lhs` or `addr`) from an accumulator (see `for_each_acc_form`) ---
            BrIfNezA { cond: Slot, target: Target };
            BrIfEqzA { cond: Slot, target: Target };
            BrI64EqzA { cond: Slot, target: Target };
            BrI64NezA { cond: Slot, target: Target };
            BrI32AndNzA { lhs: Slot, rhs: Slot, target: Target };
            BrI32AndZA { lhs: Slot, rhs: Slot, target: Target };
            BrI32EqA { lhs: Slot, rhs: Slot, target: Target };
            BrI32NeA { lhs: Slot, rhs: Slot, target: Target };
            BrI32LtSA { lhs: Slot, rhs: Slot, target: Target };
            BrI32LtUA { lhs: Slot, rhs: Slot, target: Target };
            BrI32GtSA { lhs: Slot, rhs: Slot, target: Target };
            BrI32GtUA { lhs: Slot, rhs: Slot, target: Target };
            BrI32LeSA { lhs: Slot, rhs: Slot, target: Target };
            BrI32LeUA { lhs: Slot, rhs: Slot, target: Target };
            BrI32GeSA { lhs: Slot, rhs: Slot, target: Target };
            BrI32GeUA { lhs: Slot, rhs: Slot, target: Target };
            BrI64AndNzA { lhs: Slot, rhs: Slot, target: Target };
            BrI64AndZA { lhs: Slot, rhs: Slot, target: Target };
            BrI64EqA { lhs: Slot, rhs: Slot, target: Target };
            BrI64NeA { lhs: Slot, rhs: Slot, target: Target };
            BrI64LtSA { lhs: Slot, rhs: Slot, target: Target };
            BrI64LtUA { lhs: Slot, rhs: Slot, target: Target };
            BrI64GtSA { lhs: Slot, rhs: Slot, target: Target };
            BrI64GtUA { lhs: Slot, rhs: Slot, target: Target };
            BrI64LeSA { lhs: Slot, rhs: Slot, target: Target };
            BrI64LeUA { lhs: Slot, rhs: Slot, target: Target };
            BrI64GeSA { lhs: Slot, rhs: Slot, target: Target };
            BrI64GeUA { lhs: Slot, rhs: Slot, target: Target };
            BrF32EqA { lhs: Slot, rhs: Slot, target: Target };
            BrF32NeA { lhs: Slot, rhs: Slot, target: Target };
            BrF32LtA { lhs: Slot, rhs: Slot, target: Target };
            BrF32GtA { lhs: Slot, rhs: Slot, target: Target };
            BrF32LeA { lhs: Slot, rhs: Slot, target: Target };
            BrF32GeA { lhs: Slot, rhs: Slot, target: Target };
            BrF32NotLtA { lhs: Slot, rhs: Slot, target: Target };
            BrF32NotGtA { lhs: Slot, rhs: Slot, target: Target };
            BrF32NotLeA { lhs: Slot, rhs: Slot, target: Target };
            BrF32NotGeA { lhs: Slot, rhs: Slot, target: Target };
            BrF64EqA { lhs: Slot, rhs: Slot, target: Target };
            BrF64NeA { lhs: Slot, rhs: Slot, target: Target };
            BrF64LtA { lhs: Slot, rhs: Slot, target: Target };
            BrF64GtA { lhs: Slot, rhs: Slot, target: Target };
            BrF64LeA { lhs: Slot, rhs: Slot, target: Target };
            BrF64GeA { lhs: Slot, rhs: Slot, target: Target };
            BrF64NotLtA { lhs: Slot, rhs: Slot, target: Target };
            BrF64NotGtA { lhs: Slot, rhs: Slot, target: Target };
            BrF64NotLeA { lhs: Slot, rhs: Slot, target: Target };
            BrF64NotGeA { lhs: Slot, rhs: Slot, target: Target };
            I32StoreA { addr: Slot, value: Slot, offset: U32 };
            I64StoreA { addr: Slot, value: Slot, offset: U32 };
            F32StoreA { addr: Slot, value: Slot, offset: U32 };
            F64StoreA { addr: Slot, value: Slot, offset: U32 };
            I32Store8A { addr: Slot, value: Slot, offset: U32 };
            I32Store16A { addr: Slot, value: Slot, offset: U32 };
            I64Store8A { addr: Slot, value: Slot, offset: U32 };
            I64Store16A { addr: Slot, value: Slot, offset: U32 };
            I64Store32A { addr: Slot, value: Slot, offset: U32 };
            I32StoreV { addr: Slot, value: Slot, offset: U32 };
            I64StoreV { addr: Slot, value: Slot, offset: U32 };
            F32StoreV { addr: Slot, value: Slot, offset: U32 };
            F64StoreV { addr: Slot, value: Slot, offset: U32 };
            I32Store8V { addr: Slot, value: Slot, offset: U32 };
            I32Store16V { addr: Slot, value: Slot, offset: U32 };
            I64Store8V { addr: Slot, value: Slot, offset: U32 };
            I64Store16V { addr: Slot, value: Slot, offset: U32 };
            I64Store32V { addr: Slot, value: Slot, offset: U32 };
            // --- register-result forms: the op (`BaseR`) or its accumulator form
            // (`BaseAR`) leaving its result in the accumulator only ---
            I32AddR { dst: Slot, lhs: Slot, rhs: Slot };
            I32AddAR { dst: Slot, lhs: Slot, rhs: Slot };
            I32MulR { dst: Slot, lhs: Slot, rhs: Slot };
            I32MulAR { dst: Slot, lhs: Slot, rhs: Slot };
            I32AndR { dst: Slot, lhs: Slot, rhs: Slot };
            I32AndAR { dst: Slot, lhs: Slot, rhs: Slot };
            I32OrR { dst: Slot, lhs: Slot, rhs: Slot };
            I32OrAR { dst: Slot, lhs: Slot, rhs: Slot };
            I32XorR { dst: Slot, lhs: Slot, rhs: Slot };
            I32XorAR { dst: Slot, lhs: Slot, rhs: Slot };
            I32SubR { dst: Slot, lhs: Slot, rhs: Slot };
            I32SubAR { dst: Slot, lhs: Slot, rhs: Slot };
            I32ShlR { dst: Slot, lhs: Slot, rhs: Slot };
            I32ShlAR { dst: Slot, lhs: Slot, rhs: Slot };
            I32ShrSR { dst: Slot, lhs: Slot, rhs: Slot };
            I32ShrSAR { dst: Slot, lhs: Slot, rhs: Slot };
            I32ShrUR { dst: Slot, lhs: Slot, rhs: Slot };
            I32ShrUAR { dst: Slot, lhs: Slot, rhs: Slot };
            I32RotlR { dst: Slot, lhs: Slot, rhs: Slot };
            I32RotlAR { dst: Slot, lhs: Slot, rhs: Slot };
            I32RotrR { dst: Slot, lhs: Slot, rhs: Slot };
            I32RotrAR { dst: Slot, lhs: Slot, rhs: Slot };
            I32AddImmR { dst: Slot, lhs: Slot, imm: U32 };
            I32AddImmAR { dst: Slot, lhs: Slot, imm: U32 };
            I64AddR { dst: Slot, lhs: Slot, rhs: Slot };
            I64AddAR { dst: Slot, lhs: Slot, rhs: Slot };
            I64MulR { dst: Slot, lhs: Slot, rhs: Slot };
            I64MulAR { dst: Slot, lhs: Slot, rhs: Slot };
            I64AndR { dst: Slot, lhs: Slot, rhs: Slot };
            I64AndAR { dst: Slot, lhs: Slot, rhs: Slot };
            I64OrR { dst: Slot, lhs: Slot, rhs: Slot };
            I64OrAR { dst: Slot, lhs: Slot, rhs: Slot };
            I64XorR { dst: Slot, lhs: Slot, rhs: Slot };
            I64XorAR { dst: Slot, lhs: Slot, rhs: Slot };
            I64SubR { dst: Slot, lhs: Slot, rhs: Slot };
            I64SubAR { dst: Slot, lhs: Slot, rhs: Slot };
            I64ShlR { dst: Slot, lhs: Slot, rhs: Slot };
            I64ShlAR { dst: Slot, lhs: Slot, rhs: Slot };
            I64ShrSR { dst: Slot, lhs: Slot, rhs: Slot };
            I64ShrSAR { dst: Slot, lhs: Slot, rhs: Slot };
            I64ShrUR { dst: Slot, lhs: Slot, rhs: Slot };
            I64ShrUAR { dst: Slot, lhs: Slot, rhs: Slot };
            I64RotlR { dst: Slot, lhs: Slot, rhs: Slot };
            I64RotlAR { dst: Slot, lhs: Slot, rhs: Slot };
            I64RotrR { dst: Slot, lhs: Slot, rhs: Slot };
            I64RotrAR { dst: Slot, lhs: Slot, rhs: Slot };
            I64AddImmR { dst: Slot, lhs: Slot, imm: U64 };
            I64AddImmAR { dst: Slot, lhs: Slot, imm: U64 };
            F32AddR { dst: Slot, lhs: Slot, rhs: Slot };
            F32AddAR { dst: Slot, lhs: Slot, rhs: Slot };
            F32MulR { dst: Slot, lhs: Slot, rhs: Slot };
            F32MulAR { dst: Slot, lhs: Slot, rhs: Slot };
            F32SubR { dst: Slot, lhs: Slot, rhs: Slot };
            F32SubAR { dst: Slot, lhs: Slot, rhs: Slot };
            F32DivR { dst: Slot, lhs: Slot, rhs: Slot };
            F32DivAR { dst: Slot, lhs: Slot, rhs: Slot };
            F64AddR { dst: Slot, lhs: Slot, rhs: Slot };
            F64AddAR { dst: Slot, lhs: Slot, rhs: Slot };
            F64MulR { dst: Slot, lhs: Slot, rhs: Slot };
            F64MulAR { dst: Slot, lhs: Slot, rhs: Slot };
            F64SubR { dst: Slot, lhs: Slot, rhs: Slot };
            F64SubAR { dst: Slot, lhs: Slot, rhs: Slot };
            F64DivR { dst: Slot, lhs: Slot, rhs: Slot };
            F64DivAR { dst: Slot, lhs: Slot, rhs: Slot };
            F64SubRevR { dst: Slot, lhs: Slot, rhs: Slot };
            F64SubRevAR { dst: Slot, lhs: Slot, rhs: Slot };
            F64DivRevR { dst: Slot, lhs: Slot, rhs: Slot };
            F64DivRevAR { dst: Slot, lhs: Slot, rhs: Slot };
            I32EqzR { dst: Slot, src: Slot };
            I32EqzAR { dst: Slot, src: Slot };
            I64EqzR { dst: Slot, src: Slot };
            I64EqzAR { dst: Slot, src: Slot };
            I32WrapI64R { dst: Slot, src: Slot };
            I32WrapI64AR { dst: Slot, src: Slot };
            I64ExtendI32SR { dst: Slot, src: Slot };
            I64ExtendI32SAR { dst: Slot, src: Slot };
            I64ExtendI32UR { dst: Slot, src: Slot };
            I64ExtendI32UAR { dst: Slot, src: Slot };
            I32Extend8SR { dst: Slot, src: Slot };
            I32Extend8SAR { dst: Slot, src: Slot };
            I32Extend16SR { dst: Slot, src: Slot };
            I32Extend16SAR { dst: Slot, src: Slot };
            F64ConvertI32SR { dst: Slot, src: Slot };
            F64ConvertI32SAR { dst: Slot, src: Slot };
            F64ConvertI32UR { dst: Slot, src: Slot };
            F64ConvertI32UAR { dst: Slot, src: Slot };
            F32ConvertI32SR { dst: Slot, src: Slot };
            F32ConvertI32SAR { dst: Slot, src: Slot };
            F64PromoteF32R { dst: Slot, src: Slot };
            F64PromoteF32AR { dst: Slot, src: Slot };
            F32DemoteF64R { dst: Slot, src: Slot };
            F32DemoteF64AR { dst: Slot, src: Slot };
            F32AbsR { dst: Slot, src: Slot };
            F32AbsAR { dst: Slot, src: Slot };
            F32NegR { dst: Slot, src: Slot };
            F32NegAR { dst: Slot, src: Slot };
            F32SqrtR { dst: Slot, src: Slot };
            F32SqrtAR { dst: Slot, src: Slot };
            F64AbsR { dst: Slot, src: Slot };
            F64AbsAR { dst: Slot, src: Slot };
            F64NegR { dst: Slot, src: Slot };
            F64NegAR { dst: Slot, src: Slot };
            F64SqrtR { dst: Slot, src: Slot };
            F64SqrtAR { dst: Slot, src: Slot };
            CopyR { dst: Slot, src: Slot, ty: Ty };
            CopyAR { dst: Slot, src: Slot, ty: Ty };
            I32LoadR { dst: Slot, addr: Slot, offset: U32 };
            I32LoadAR { dst: Slot, addr: Slot, offset: U32 };
            I64LoadR { dst: Slot, addr: Slot, offset: U32 };
            I64LoadAR { dst: Slot, addr: Slot, offset: U32 };
            F32LoadR { dst: Slot, addr: Slot, offset: U32 };
            F32LoadAR { dst: Slot, addr: Slot, offset: U32 };
            F64LoadR { dst: Slot, addr: Slot, offset: U32 };
            F64LoadAR { dst: Slot, addr: Slot, offset: U32 };
            I32Load8SR { dst: Slot, addr: Slot, offset: U32 };
            I32Load8SAR { dst: Slot, addr: Slot, offset: U32 };
            I32Load8UR { dst: Slot, addr: Slot, offset: U32 };
            I32Load8UAR { dst: Slot, addr: Slot, offset: U32 };
            I32Load16SR { dst: Slot, addr: Slot, offset: U32 };
            I32Load16SAR { dst: Slot, addr: Slot, offset: U32 };
            I32Load16UR { dst: Slot, addr: Slot, offset: U32 };
            I32Load16UAR { dst: Slot, addr: Slot, offset: U32 };
            I64Load8SR { dst: Slot, addr: Slot, offset: U32 };
            I64Load8SAR { dst: Slot, addr: Slot, offset: U32 };
            I64Load8UR { dst: Slot, addr: Slot, offset: U32 };
            I64Load8UAR { dst: Slot, addr: Slot, offset: U32 };
            I64Load16SR { dst: Slot, addr: Slot, offset: U32 };
            I64Load16SAR { dst: Slot, addr: Slot, offset: U32 };
            I64Load16UR { dst: Slot, addr: Slot, offset: U32 };
            I64Load16UAR { dst: Slot, addr: Slot, offset: U32 };
            I64Load32SR { dst: Slot, addr: Slot, offset: U32 };
            I64Load32SAR { dst: Slot, addr: Slot, offset: U32 };
            I64Load32UR { dst: Slot, addr: Slot, offset: U32 };
            I64Load32UAR { dst: Slot, addr: Slot, offset: U32 };
        }
    };
}

/// The accumulator forms: `Base => BaseA, BaseR, BaseAR, commutes, reads,
/// result;`, then after `@readers` the forms of ops without a result:
/// `Base => BaseA, reads;`.
///
/// `BaseA` has `Base`'s operands and meaning, but the interpreter reads one
/// operand from an accumulator, a register holding the value the previous
/// instruction produced: the first after `dst` (`lhs`, `src` or `addr`) of
/// an op with a result, the first (`cond`, `lhs` or `addr`) of a reader
/// (`AccForm::operand`). There are three accumulators (`AccBank`): `Int`
/// holds the bits of any integer result (and of a `Copy`), `F32` and `F64`
/// hold float results in the machine's float registers, so a chain of
/// float arithmetic never moves its values between register files. `reads`
/// is the accumulator the form reads, `result` the one `Base` and `BaseA`
/// both write (`Opcode::acc_result`).
///
/// The translator uses the form when that slot is the previous
/// instruction's `dst`, the previous instruction wrote the accumulator the
/// form reads, and no label lies between them; the slot itself still holds
/// the value, so a compiler lowers `BaseA` exactly as `Base`. `commutes`:
/// `lhs` and `rhs` may be swapped to bring the accumulator's slot first
/// (float `add` and `mul` too: they commute except for which NaN payload a
/// NaN result carries, which Wasm leaves open).
///
/// `BaseR` and `BaseAR` are `Base` and `BaseA` that write their result to
/// the accumulator only, not to `dst`. The translator rewrites an
/// instruction into one when the next instruction reads its result from
/// the accumulator and nothing reads `dst` afterwards (a temporary the next
/// instruction pops). A compiler lowers them as `Base`: writing a dead
/// slot changes nothing.
///
/// Readers are the conditional branches (a loop's compare-and-branch
/// usually tests the value just computed) and stores (whose address is
/// usually computed just before). After `@values`, `Base => BaseV, reads;`
/// are the stores' second forms, which take the stored value from the
/// accumulator instead (the translator picks them itself: `value_form`).
#[macro_export]
#[doc(hidden)]
macro_rules! for_each_acc_form {
    ($m:ident) => {
        $m! {
            I32Add => I32AddA, I32AddR, I32AddAR, true, Int, Int;
            I32Mul => I32MulA, I32MulR, I32MulAR, true, Int, Int;
            I32And => I32AndA, I32AndR, I32AndAR, true, Int, Int;
            I32Or => I32OrA, I32OrR, I32OrAR, true, Int, Int;
            I32Xor => I32XorA, I32XorR, I32XorAR, true, Int, Int;
            I32Sub => I32SubA, I32SubR, I32SubAR, false, Int, Int;
            I32Shl => I32ShlA, I32ShlR, I32ShlAR, false, Int, Int;
            I32ShrS => I32ShrSA, I32ShrSR, I32ShrSAR, false, Int, Int;
            I32ShrU => I32ShrUA, I32ShrUR, I32ShrUAR, false, Int, Int;
            I32Rotl => I32RotlA, I32RotlR, I32RotlAR, false, Int, Int;
            I32Rotr => I32RotrA, I32RotrR, I32RotrAR, false, Int, Int;
            I32AddImm => I32AddImmA, I32AddImmR, I32AddImmAR, false, Int, Int;
            I64Add => I64AddA, I64AddR, I64AddAR, true, Int, Int;
            I64Mul => I64MulA, I64MulR, I64MulAR, true, Int, Int;
            I64And => I64AndA, I64AndR, I64AndAR, true, Int, Int;
            I64Or => I64OrA, I64OrR, I64OrAR, true, Int, Int;
            I64Xor => I64XorA, I64XorR, I64XorAR, true, Int, Int;
            I64Sub => I64SubA, I64SubR, I64SubAR, false, Int, Int;
            I64Shl => I64ShlA, I64ShlR, I64ShlAR, false, Int, Int;
            I64ShrS => I64ShrSA, I64ShrSR, I64ShrSAR, false, Int, Int;
            I64ShrU => I64ShrUA, I64ShrUR, I64ShrUAR, false, Int, Int;
            I64Rotl => I64RotlA, I64RotlR, I64RotlAR, false, Int, Int;
            I64Rotr => I64RotrA, I64RotrR, I64RotrAR, false, Int, Int;
            I64AddImm => I64AddImmA, I64AddImmR, I64AddImmAR, false, Int, Int;
            F32Add => F32AddA, F32AddR, F32AddAR, true, F32, F32;
            F32Mul => F32MulA, F32MulR, F32MulAR, true, F32, F32;
            F32Sub => F32SubA, F32SubR, F32SubAR, false, F32, F32;
            F32Div => F32DivA, F32DivR, F32DivAR, false, F32, F32;
            F64Add => F64AddA, F64AddR, F64AddAR, true, F64, F64;
            F64Mul => F64MulA, F64MulR, F64MulAR, true, F64, F64;
            F64Sub => F64SubA, F64SubR, F64SubAR, false, F64, F64;
            F64Div => F64DivA, F64DivR, F64DivAR, false, F64, F64;
            F64SubRev => F64SubRevA, F64SubRevR, F64SubRevAR, false, F64, F64;
            F64DivRev => F64DivRevA, F64DivRevR, F64DivRevAR, false, F64, F64;
            I32Eqz => I32EqzA, I32EqzR, I32EqzAR, false, Int, Int;
            I64Eqz => I64EqzA, I64EqzR, I64EqzAR, false, Int, Int;
            I32WrapI64 => I32WrapI64A, I32WrapI64R, I32WrapI64AR, false, Int, Int;
            I64ExtendI32S => I64ExtendI32SA, I64ExtendI32SR, I64ExtendI32SAR, false, Int, Int;
            I64ExtendI32U => I64ExtendI32UA, I64ExtendI32UR, I64ExtendI32UAR, false, Int, Int;
            I32Extend8S => I32Extend8SA, I32Extend8SR, I32Extend8SAR, false, Int, Int;
            I32Extend16S => I32Extend16SA, I32Extend16SR, I32Extend16SAR, false, Int, Int;
            F64ConvertI32S => F64ConvertI32SA, F64ConvertI32SR, F64ConvertI32SAR, false, Int, F64;
            F64ConvertI32U => F64ConvertI32UA, F64ConvertI32UR, F64ConvertI32UAR, false, Int, F64;
            F32ConvertI32S => F32ConvertI32SA, F32ConvertI32SR, F32ConvertI32SAR, false, Int, F32;
            F64PromoteF32 => F64PromoteF32A, F64PromoteF32R, F64PromoteF32AR, false, F32, F64;
            F32DemoteF64 => F32DemoteF64A, F32DemoteF64R, F32DemoteF64AR, false, F64, F32;
            F32Abs => F32AbsA, F32AbsR, F32AbsAR, false, F32, F32;
            F32Neg => F32NegA, F32NegR, F32NegAR, false, F32, F32;
            F32Sqrt => F32SqrtA, F32SqrtR, F32SqrtAR, false, F32, F32;
            F64Abs => F64AbsA, F64AbsR, F64AbsAR, false, F64, F64;
            F64Neg => F64NegA, F64NegR, F64NegAR, false, F64, F64;
            F64Sqrt => F64SqrtA, F64SqrtR, F64SqrtAR, false, F64, F64;
            Copy => CopyA, CopyR, CopyAR, false, Int, Int;
            I32Load => I32LoadA, I32LoadR, I32LoadAR, false, Int, Int;
            I64Load => I64LoadA, I64LoadR, I64LoadAR, false, Int, Int;
            F32Load => F32LoadA, F32LoadR, F32LoadAR, false, Int, F32;
            F64Load => F64LoadA, F64LoadR, F64LoadAR, false, Int, F64;
            I32Load8S => I32Load8SA, I32Load8SR, I32Load8SAR, false, Int, Int;
            I32Load8U => I32Load8UA, I32Load8UR, I32Load8UAR, false, Int, Int;
            I32Load16S => I32Load16SA, I32Load16SR, I32Load16SAR, false, Int, Int;
            I32Load16U => I32Load16UA, I32Load16UR, I32Load16UAR, false, Int, Int;
            I64Load8S => I64Load8SA, I64Load8SR, I64Load8SAR, false, Int, Int;
            I64Load8U => I64Load8UA, I64Load8UR, I64Load8UAR, false, Int, Int;
            I64Load16S => I64Load16SA, I64Load16SR, I64Load16SAR, false, Int, Int;
            I64Load16U => I64Load16UA, I64Load16UR, I64Load16UAR, false, Int, Int;
            I64Load32S => I64Load32SA, I64Load32SR, I64Load32SAR, false, Int, Int;
            I64Load32U => I64Load32UA, I64Load32UR, I64Load32UAR, false, Int, Int;
            @readers
            BrIfNez => BrIfNezA, Int;
            BrIfEqz => BrIfEqzA, Int;
            BrI64Eqz => BrI64EqzA, Int;
            BrI64Nez => BrI64NezA, Int;
            BrI32AndNz => BrI32AndNzA, Int;
            BrI32AndZ => BrI32AndZA, Int;
            BrI32Eq => BrI32EqA, Int;
            BrI32Ne => BrI32NeA, Int;
            BrI32LtS => BrI32LtSA, Int;
            BrI32LtU => BrI32LtUA, Int;
            BrI32GtS => BrI32GtSA, Int;
            BrI32GtU => BrI32GtUA, Int;
            BrI32LeS => BrI32LeSA, Int;
            BrI32LeU => BrI32LeUA, Int;
            BrI32GeS => BrI32GeSA, Int;
            BrI32GeU => BrI32GeUA, Int;
            BrI64AndNz => BrI64AndNzA, Int;
            BrI64AndZ => BrI64AndZA, Int;
            BrI64Eq => BrI64EqA, Int;
            BrI64Ne => BrI64NeA, Int;
            BrI64LtS => BrI64LtSA, Int;
            BrI64LtU => BrI64LtUA, Int;
            BrI64GtS => BrI64GtSA, Int;
            BrI64GtU => BrI64GtUA, Int;
            BrI64LeS => BrI64LeSA, Int;
            BrI64LeU => BrI64LeUA, Int;
            BrI64GeS => BrI64GeSA, Int;
            BrI64GeU => BrI64GeUA, Int;
            BrF32Eq => BrF32EqA, F32;
            BrF32Ne => BrF32NeA, F32;
            BrF32Lt => BrF32LtA, F32;
            BrF32Gt => BrF32GtA, F32;
            BrF32Le => BrF32LeA, F32;
            BrF32Ge => BrF32GeA, F32;
            BrF32NotLt => BrF32NotLtA, F32;
            BrF32NotGt => BrF32NotGtA, F32;
            BrF32NotLe => BrF32NotLeA, F32;
            BrF32NotGe => BrF32NotGeA, F32;
            BrF64Eq => BrF64EqA, F64;
            BrF64Ne => BrF64NeA, F64;
            BrF64Lt => BrF64LtA, F64;
            BrF64Gt => BrF64GtA, F64;
            BrF64Le => BrF64LeA, F64;
            BrF64Ge => BrF64GeA, F64;
            BrF64NotLt => BrF64NotLtA, F64;
            BrF64NotGt => BrF64NotGtA, F64;
            BrF64NotLe => BrF64NotLeA, F64;
            BrF64NotGe => BrF64NotGeA, F64;
            I32Store => I32StoreA, Int;
            I64Store => I64StoreA, Int;
            F32Store => F32StoreA, Int;
            F64Store => F64StoreA, Int;
            I32Store8 => I32Store8A, Int;
            I32Store16 => I32Store16A, Int;
            I64Store8 => I64Store8A, Int;
            I64Store16 => I64Store16A, Int;
            I64Store32 => I64Store32A, Int;
            @values
            I32Store => I32StoreV, Int;
            I64Store => I64StoreV, Int;
            F32Store => F32StoreV, F32;
            F64Store => F64StoreV, F64;
            I32Store8 => I32Store8V, Int;
            I32Store16 => I32Store16V, Int;
            I64Store8 => I64Store8V, Int;
            I64Store16 => I64Store16V, Int;
            I64Store32 => I64Store32V, Int;
        }
    };
}
