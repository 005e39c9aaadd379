//! The disassembler and its inverse, the assembler.

use super::codec::{Op, decode, ops, parse_op};
use super::func::CompiledFunc;
use super::operand::{Operand, OperandText};
use super::operand::{Slot, Target};
use crate::value::ValType;
use core::fmt;

/// Reads target `i` of the `BrTable` at `pc` (checked).
pub fn br_table_target(code: &[u8], pc: usize, i: usize) -> Option<Target> {
    let at = pc + ops::BrTable::SIZE + i * 4;
    code.get(at..at + 4).map(Target::read)
}

/// Writes a readable listing of `func`'s code to `out`.
pub fn disassemble(func: &CompiledFunc, out: &mut impl fmt::Write) -> fmt::Result {
    writeln!(
        out,
        "  ; params={} locals={} slots={} results={} const_base={}",
        func.num_params, func.num_locals, func.num_slots, func.num_results, func.const_base
    )?;
    write!(out, "  ; types:")?;
    for t in &func.local_types {
        write!(out, " {t}")?;
    }
    writeln!(out)?;
    for (i, c) in func.consts.iter().enumerate() {
        writeln!(out, "  ; r{} = const {:#x}", func.const_base as usize + i, c.0)?;
    }
    let mut pc = 0;
    while pc < func.code.len() {
        match decode(&func.code, pc) {
            Ok((op, next)) => {
                write!(out, "  {pc:>6}: {op}")?;
                if let Op::BrTable { len, .. } = op {
                    write!(out, " [")?;
                    for i in 0..=len as usize {
                        let t = br_table_target(&func.code, pc, i).map_or(u32::MAX, |t| t.0);
                        write!(out, "{}{t}", if i == 0 { "" } else { " " })?;
                    }
                    write!(out, "]")?;
                }
                writeln!(out)?;
                pc = next;
            }
            Err(e) => {
                writeln!(out, "  {e}")?;
                break;
            }
        }
    }
    Ok(())
}

/// Rebuilds a function from its [`disassemble`] listing: the inverse of the
/// disassembler, so `assemble(disassemble(f)) == f` shows the listing loses
/// nothing. Fails on any line it cannot read, including decode errors.
pub fn assemble(listing: &str) -> Result<CompiledFunc, String> {
    let mut f = CompiledFunc::default();
    for (n, raw) in listing.lines().enumerate() {
        let bad = || format!("line {}: cannot assemble `{raw}`", n + 1);
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(header) = line.strip_prefix("; ") {
            if let Some(types) = header.strip_prefix("types:") {
                for name in types.split_whitespace() {
                    f.local_types.push(ValType::from_name(name).ok_or_else(bad)?);
                }
            } else if header.starts_with("params=") {
                let mut fields = header.split(' ').map(|kv| kv.split_once('=').and_then(|(_, v)| v.parse().ok()));
                for field in
                    [&mut f.num_params, &mut f.num_locals, &mut f.num_slots, &mut f.num_results, &mut f.const_base]
                {
                    *field = fields.next().flatten().ok_or_else(bad)?;
                }
            } else {
                let (slot, hex) = header.split_once(" = const 0x").ok_or_else(bad)?;
                let slot = Slot::parse(slot).ok_or_else(bad)?.index();
                if slot != f.const_base as usize + f.consts.len() {
                    return Err(bad());
                }
                f.consts.push(crate::value::ValRaw(u64::from_str_radix(hex, 16).map_err(|_| bad())?));
            }
            continue;
        }
        let (pc, text) = line.split_once(": ").ok_or_else(bad)?;
        if pc.parse::<usize>().ok() != Some(f.code.len()) {
            return Err(bad());
        }
        let (text, targets) = match text.split_once(" [") {
            Some((op, targets)) => (op, Some(targets.strip_suffix(']').ok_or_else(bad)?)),
            None => (text, None),
        };
        let op = parse_op(text).ok_or_else(bad)?;
        op.encode(&mut f.code);
        match (op, targets) {
            (Op::BrTable { len, .. }, Some(targets)) => {
                let mut count = 0usize;
                for t in targets.split(' ') {
                    u32::parse(t).ok_or_else(bad)?.write(&mut f.code);
                    count += 1;
                }
                if count != len as usize + 1 {
                    return Err(bad());
                }
            }
            (_, None) => {}
            _ => return Err(bad()),
        }
    }
    Ok(f)
}
