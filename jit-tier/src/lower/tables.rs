//! Table access shared by the table ops and `call_indirect`.

use super::*;

impl<'a, 'm> Lower<'a, 'm> {
    pub(super) fn table_def(&mut self, table: u32) -> Value {
        let off = self.info.offsets.table(table);
        self.b.ins().load(PTR, trusted(), self.vmctx, off as i32)
    }

    /// Address of element `index` of `table`, bounds-checked.
    pub(super) fn table_elem(&mut self, table: u32, index: Slot) -> Result<Value, CompileError> {
        let def = self.table_def(table);
        let i = self.get(index, I32)?;
        let i = self.b.ins().uextend(types::I64, i);
        let n = self.b.ins().load(PTR, trusted(), def, VMOffsets::table_length() as i32);
        let oob = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, i, n);
        self.trap_if(oob, TrapCode::TableOutOfBounds);
        let base = self.b.ins().load(PTR, trusted(), def, VMOffsets::table_base() as i32);
        let off = self.b.ins().ishl_imm_s(i, 3);
        Ok(self.b.ins().iadd(base, off))
    }
}
