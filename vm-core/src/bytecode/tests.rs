//! Unit tests of the bytecode format.

use super::*;
use crate::value::ValType;

#[test]
fn encode_decode_roundtrip() {
    let list = [
        Op::I32Add { dst: Slot(3), lhs: Slot(1), rhs: Slot(2) },
        Op::Const64 { dst: Slot(9), imm: 0x1234_5678_9abc_def0 },
        Op::Copy { dst: Slot(1), src: Slot(65535), ty: ValType::F64.code() },
        Op::CallIndirect { table: 2, sig: 7, index: Slot(4), args: Slot(5) },
        Op::Return {},
    ];
    let mut code = Vec::new();
    for op in &list {
        op.encode(&mut code);
    }
    let mut pc = 0;
    for op in &list {
        let (got, next) = decode(&code, pc).unwrap();
        assert_eq!(&got, op);
        assert_eq!(next - pc, op.size());
        pc = next;
    }
    assert_eq!(pc, code.len());
}

/// The translator's rewrites into accumulator, register-result and value
/// forms pick the right operand, swap commuting operands, refuse the wrong
/// bank, and keep every operand (the form lowers as its base op).
#[test]
fn form_rewrites_keep_operands() {
    let mut pairs = 0;
    for &base in Opcode::ALL {
        let Some(form) = base.acc_form() else { continue };
        pairs += 1;
        assert_eq!(form.acc.base(), base);
        assert_eq!(Op::size_of(form.acc), Op::size_of(base), "{}", base.name());
        assert_eq!(form.acc.slot_offsets(), base.slot_offsets(), "{}", base.name());
        assert_eq!(form.acc.name(), format!("{}A", base.name()));
        assert_eq!(base.acc_result(), form.acc.acc_result());
        // A reader (no result) reads its first slot and has no
        // register-result forms; the others read the first after `dst`.
        if base.acc_result().is_none() {
            assert_eq!(form.operand, 0, "{}", base.name());
            assert!(base.reg_form().is_none() && form.acc.reg_form().is_none());
            assert!(form.acc.acc_operand().is_some() && base.acc_operand().is_none());
        } else {
            assert_eq!(form.operand, 1, "{}", base.name());
        }
        // The register-result forms mirror the op and its form.
        for (plain, reg) in [(base, base.reg_form()), (form.acc, form.acc.reg_form())] {
            if base.acc_result().is_none() {
                continue;
            }
            let reg = reg.expect("every accumulator op has a register-result form");
            assert_eq!(reg.name(), format!("{}R", plain.name()));
            assert_eq!(reg.base(), base);
            assert_eq!(reg.acc_result(), base.acc_result());
            assert_eq!(Op::size_of(reg), Op::size_of(base));
            assert_eq!(reg.slot_offsets(), base.slot_offsets());
            assert_eq!(reg.acc_operand().is_some(), plain.acc_operand().is_some());
            assert!(!reg.writes_dst() && plain.writes_dst());
        }
        assert!(form.acc.acc_operand().is_some() && base.acc_operand().is_none());
        // Operands 3, 4, 5, ... in every field; the accumulator is slot 3, 4 or 5.
        let size = Op::size_of(base);
        let mut code = (base as u16).to_le_bytes().to_vec();
        code.extend((0..size - OPCODE_SIZE).map(|i| if i % 2 == 0 { 3 + i as u8 / 2 } else { 0 }));
        if base == Opcode::BrTable {
            continue;
        }
        let (plain, _) = decode(&code, 0).expect("well-formed");
        let (offsets, _) = base.slot_offsets();
        let want = u16::from_le_bytes([code[offsets[form.operand] as usize], 0]);
        let mut acc = code.clone();
        assert!(to_acc_form(&mut acc, Slot(want), form.reads), "{}", base.name());
        let (op, _) = decode(&acc, 0).expect("well-formed");
        assert_eq!(op.opcode(), form.acc);
        assert_eq!(op.base(), plain.base());
        let fields = |o: &Op| o.to_string().split_once(' ').map(|(_, f)| f.to_string());
        assert_eq!(fields(&op), fields(&plain));
        // A slot the op does not read is not the accumulator.
        assert!(!to_acc_form(&mut code.clone(), Slot(999), form.reads));
        // Nor is a value in another accumulator.
        for bank in [AccBank::Int, AccBank::F32, AccBank::F64] {
            assert_eq!(to_acc_form(&mut code.clone(), Slot(want), bank), bank == form.reads, "{}", base.name());
        }
    }
    assert!(pairs > 100, "{pairs}");
    // The stores' value forms mirror the store too.
    let mut values = 0;
    for &base in Opcode::ALL {
        let Some((form, _)) = base.value_form() else { continue };
        values += 1;
        assert_eq!(form.base(), base);
        assert!(form.acc_operand().is_some() && form.acc_result().is_none());
        assert_eq!(Op::size_of(form), Op::size_of(base));
        assert_eq!(form.slot_offsets(), base.slot_offsets());
        assert_eq!(form.name(), format!("{}V", base.name()));
    }
    assert_eq!(values, 9);
    assert_eq!(Opcode::F64Store.value_form(), Some((Opcode::F64StoreV, AccBank::F64)));
    let mut code = Vec::new();
    Op::F64Store { addr: Slot(4), value: Slot(5), offset: 8 }.encode(&mut code);
    assert!(!to_value_form(&mut code, Slot(4), AccBank::F64));
    assert!(!to_value_form(&mut code, Slot(5), AccBank::Int));
    assert!(to_value_form(&mut code, Slot(5), AccBank::F64));
    assert_eq!(decode(&code, 0).unwrap().0, Op::F64StoreV { addr: Slot(4), value: Slot(5), offset: 8 });
    // A branch reads its first operand.
    let mut code = Vec::new();
    Op::BrI32LtU { lhs: Slot(4), rhs: Slot(5), target: Target(9) }.encode(&mut code);
    assert!(!to_acc_form(&mut code, Slot(5), AccBank::Int));
    assert!(to_acc_form(&mut code, Slot(4), AccBank::Int));
    assert_eq!(decode(&code, 0).unwrap().0, Op::BrI32LtUA { lhs: Slot(4), rhs: Slot(5), target: Target(9) });
    // A commuting op swaps its operands to read the accumulator first.
    let mut code = Vec::new();
    Op::I32Add { dst: Slot(1), lhs: Slot(2), rhs: Slot(3) }.encode(&mut code);
    assert!(to_acc_form(&mut code, Slot(3), AccBank::Int));
    assert_eq!(decode(&code, 0).unwrap().0, Op::I32AddA { dst: Slot(1), lhs: Slot(3), rhs: Slot(2) });
    // Float addition too, from the f64 accumulator only.
    let mut code = Vec::new();
    Op::F64Add { dst: Slot(1), lhs: Slot(2), rhs: Slot(3) }.encode(&mut code);
    assert!(!to_acc_form(&mut code, Slot(3), AccBank::Int));
    assert!(to_acc_form(&mut code, Slot(3), AccBank::F64));
    assert_eq!(decode(&code, 0).unwrap().0, Op::F64AddA { dst: Slot(1), lhs: Slot(3), rhs: Slot(2) });
    assert_eq!(Opcode::F64ConvertI32S.acc_form().map(|f| f.reads), Some(AccBank::Int));
    assert_eq!(Opcode::F64ConvertI32SA.acc_result(), Some(AccBank::F64));
    assert_eq!(Opcode::F64Sqrt.acc_result(), Some(AccBank::F64));
    assert_eq!(Opcode::F64Min.acc_result(), None);
    let mut code = Vec::new();
    Op::I32Sub { dst: Slot(1), lhs: Slot(2), rhs: Slot(3) }.encode(&mut code);
    assert!(!to_acc_form(&mut code, Slot(3), AccBank::Int), "i32.sub does not commute");
    assert_eq!(
        Op::I32SubA { dst: Slot(1), lhs: Slot(2), rhs: Slot(3) }.base(),
        BaseOp::I32Sub { dst: Slot(1), lhs: Slot(2), rhs: Slot(3) }
    );
}

#[test]
fn slot_offsets_follow_the_list() {
    // After the 2-byte opcode: dst at 2, lhs at 4, rhs at 6.
    assert_eq!(Opcode::I32Add.slot_offsets(), ([2, 4, 6, 0, 0, 0, 0, 0], 3));
    // Const64 { dst: Slot, imm: U64 }: one slot, at 2.
    assert_eq!(Opcode::Const64.slot_offsets(), ([2, 0, 0, 0, 0, 0, 0, 0], 1));
    // CallIndirect { table: U32, sig: U32, index: Slot, args: Slot }
    assert_eq!(Opcode::CallIndirect.slot_offsets(), ([10, 12, 0, 0, 0, 0, 0, 0], 2));
    assert_eq!(Opcode::Br.slot_offsets().1, 0);
}

#[test]
fn decode_rejects_truncated_and_unknown() {
    let mut code = Vec::new();
    Op::I32Add { dst: Slot(3), lhs: Slot(1), rhs: Slot(2) }.encode(&mut code);
    assert!(decode(&code[..3], 0).is_err());
    assert!(decode(&[0x01], 0).is_err());
    assert!(decode(&[0xff, 0xff], 0).is_err());
    assert!(decode(&(Opcode::ALL.len() as u16).to_le_bytes(), 0).is_err());
}

#[test]
fn unchecked_read_matches_checked_decode() {
    let mut code = Vec::new();
    Op::I64AddImm { dst: Slot(7), lhs: Slot(8), imm: u64::MAX - 3 }.encode(&mut code);
    // SAFETY: `code` holds exactly one encoded I64AddImm.
    let o = unsafe { ops::I64AddImm::read(code.as_ptr()) };
    assert_eq!((o.dst, o.lhs, o.imm), (Slot(7), Slot(8), u64::MAX - 3));
}

/// One encoded instruction of any kind with arbitrary operands (a
/// `BrTable` gets a short, well-formed target list).
fn any_instruction() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    (0..Opcode::ALL.len() as u16, proptest::collection::vec(any::<u8>(), 64), 0u32..6).prop_map(
        |(opcode, operands, table_len)| {
            let size = Op::size_of(Opcode::ALL[opcode as usize]);
            let mut code = opcode.to_le_bytes().to_vec();
            code.extend_from_slice(&operands[..size - OPCODE_SIZE]);
            if opcode == Opcode::BrTable as u16 {
                // BrTable { index: Slot, len: U32 }: len follows the index.
                let at = OPCODE_SIZE + 2;
                code[at..at + 4].copy_from_slice(&table_len.to_le_bytes());
                code.extend_from_slice(&operands[..4 * (table_len as usize + 1)]);
            }
            code
        },
    )
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(if cfg!(miri) { 8 } else { 512 }))]

    /// Decode, re-encode and print-then-parse give back the same bytes
    /// and the same instruction, for every opcode and operand value.
    #[test]
    fn every_instruction_round_trips(code in any_instruction()) {
        let (op, next) = decode(&code, 0).expect("well-formed instruction");
        proptest::prop_assert_eq!(next, code.len());
        let mut again = Vec::new();
        op.encode(&mut again);
        proptest::prop_assert_eq!(&again[..], &code[..op.size()]);
        proptest::prop_assert_eq!(parse_op(&op.to_string()), Some(op));
    }

    /// A whole function survives disassemble -> assemble unchanged.
    #[test]
    fn listing_round_trips(
        body in proptest::collection::vec(any_instruction(), 0..24),
        counts in proptest::array::uniform5(proptest::prelude::any::<u16>()),
        types in proptest::collection::vec(0u8..6, 0..8),
        consts in proptest::collection::vec(proptest::prelude::any::<u64>(), 0..8),
    ) {
        let f = CompiledFunc {
            code: body.concat(),
            num_params: counts[0],
            num_locals: counts[1],
            num_slots: counts[2],
            num_results: counts[3],
            const_base: counts[4].min(u16::MAX - 8),
            local_types: types.into_iter().filter_map(ValType::from_code).collect(),
            consts: consts.into_iter().map(crate::value::ValRaw).collect(),
            hot: HotCounters::default(),
        };
        let mut text = String::new();
        disassemble(&f, &mut text).unwrap();
        let back = assemble(&text).map_err(proptest::test_runner::TestCaseError::fail)?;
        proptest::prop_assert_eq!(back, f);
    }
}

#[test]
fn assemble_rejects_what_it_cannot_read() {
    assert!(assemble("  ; params=0 locals=0 slots=0 results=0 const_base=0\n  0: Nope").is_err());
    assert!(assemble("  5: Return").is_err(), "pc must match the code so far");
    assert!(assemble("  0: I32Add dst=r1, lhs=r2").is_err(), "missing operand");
    assert!(assemble("  0: I32Add dst=r1, lhs=r2, rhs=r3, x=r4").is_err(), "extra operand");
    assert!(assemble("  0: BrTable index=r1, len=1 [7]").is_err(), "too few targets");
    assert!(assemble("  invalid bytecode at 0").is_err());
}

#[test]
fn disassembly_names_every_operand() {
    let mut f = CompiledFunc::default();
    Op::I32Load { dst: Slot(2), addr: Slot(0), offset: 16 }.encode(&mut f.code);
    let mut s = String::new();
    disassemble(&f, &mut s).unwrap();
    assert!(s.contains("I32Load dst=r2, addr=r0, offset=16"), "{s}");
}
