//! The interpreter's forms of an op (accumulator, register-result, value):
//! what they are (`Opcode::acc_form` and friends, generated from the op
//! description) and the rewrites the translator makes with them.

use super::codec::{Op, Opcode, opcode_at, set_opcode};
use super::operand::{Operand, Slot};
use super::{AccBank, AccForm};

/// Rewrites the encoded instruction `inst` (opcode first) into its
/// accumulator form when one of its operands is slot `acc`, whose value the
/// accumulator `bank` holds: the operand the form reads from the
/// accumulator, or, for a commuting op, the next one (then the two are
/// swapped). Returns whether it did.
pub fn to_acc_form(inst: &mut [u8], acc: Slot, bank: AccBank) -> bool {
    let Some(form) = opcode_at(inst).and_then(Opcode::acc_form) else { return false };
    rewrite(inst, form, acc, bank)
}

/// Rewrites the encoded store `inst` (opcode first) into its value form
/// when its stored value (slot operand 1) is slot `acc`, whose value the
/// accumulator `bank` holds. Returns whether it did.
pub fn to_value_form(inst: &mut [u8], acc: Slot, bank: AccBank) -> bool {
    let Some((form, reads)) = opcode_at(inst).and_then(Opcode::value_form) else { return false };
    rewrite(inst, AccForm { acc: form, commutes: false, reads, operand: 1 }, acc, bank)
}

/// Rewrites `inst` into `form` of its op when the operand `form` reads is
/// slot `acc` held by accumulator `bank` (see `to_acc_form`).
fn rewrite(inst: &mut [u8], form: AccForm, acc: Slot, bank: AccBank) -> bool {
    let Some(opcode) = opcode_at(inst) else { return false };
    if form.reads != bank {
        return false;
    }
    let (offsets, n) = opcode.slot_offsets();
    let i = form.operand;
    if i >= n || inst.len() < Op::size_of(opcode) {
        return false;
    }
    let at = |k: usize| offsets[k] as usize;
    let mut acc_op = form.acc;
    if Slot::read(&inst[at(i)..]) != acc {
        // The accumulator is the next operand: swap the two, keeping the
        // op if it commutes, else taking its mirror (`a - acc` is
        // `acc -rev a`).
        let swapped =
            if form.commutes { Some(form.acc) } else { opcode.mirror().and_then(Opcode::acc_form).map(|m| m.acc) };
        let Some(swapped) = swapped else { return false };
        if i + 1 >= n || Slot::read(&inst[at(i + 1)..]) != acc {
            return false;
        }
        for k in 0..size_of::<Slot>() {
            inst.swap(at(i) + k, at(i + 1) + k);
        }
        acc_op = swapped;
    }
    set_opcode(inst, acc_op);
    true
}

/// Rewrites the encoded instruction `inst` (opcode first) into its
/// register-result form, which leaves `dst` unwritten. Returns whether it
/// did (the op has such a form).
pub fn to_reg_form(inst: &mut [u8]) -> bool {
    let Some(reg) = opcode_at(inst).and_then(Opcode::reg_form) else { return false };
    set_opcode(inst, reg);
    true
}
