//! Branches and blocks: jumps to labels, back-edge threading, returns, `block`/`loop`/`if`/`else`/`end`.

use super::*;

impl Translator<'_> {
    /// Emits the moves and jump for a branch to relative depth `depth`.
    pub(super) fn branch(&mut self, depth: u32) {
        let idx = self.ctrl.len() - 1 - depth as usize;
        if self.ctrl[idx].kind == CtrlKind::Function {
            self.emit_return();
            return;
        }
        let n = self.ctrl[idx].label_types().len();
        let base = self.ctrl[idx].base;
        self.copy_top_to(n, base);
        self.jump_to(idx, |target| Op::Br { target });
    }

    /// Emits `make(target)` jumping to the label of `ctrl[idx]`.
    pub(super) fn jump_to(&mut self, idx: usize, make: impl Fn(Target) -> Op) {
        let c = &mut self.ctrl[idx];
        if c.kind == CtrlKind::Loop {
            let target = c.loop_start;
            let mut op = make(Target(target));
            if matches!(op, Op::Br { .. })
                && let Some(past_head) = self.thread_back_edge(idx, target)
            {
                op = make(Target(past_head));
            }
            self.emit(op);
        } else {
            c.branched = true;
            // The target field is the branch's last 4 bytes (`emit` may
            // fuse it with the instruction before).
            self.emit(make(Target(0)));
            let at = self.code.len() - 4;
            self.ctrl[idx].patches.push(at);
        }
    }

    /// Before an unconditional back edge to loop `ctrl[idx]` whose header
    /// starts with a conditional branch out of the loop (a `while` loop:
    /// `loop { br_if $exit ...; ...; br $loop }`), tests the opposite
    /// condition and, when it holds, jumps to where the header's branch
    /// falls through: one dispatch per iteration instead of two. Otherwise
    /// the `br` goes on to the header, whose branch then leaves, as before.
    /// A header branch that stays in the loop (a `continue`, its target
    /// already known) usually jumps, and would then cost three dispatches
    /// that way; it is copied instead, with the `br` going on past the
    /// header's branch (returned): one dispatch where it jumps, two where
    /// it does not, as before (sieve's `if (composite[i]) continue`).
    /// Headers that start with a fuel charge are left alone (it must run
    /// every iteration). A header that starts with a tier-up counter
    /// (`HotLoop`, tiered mode) gets its own counter before the test or the
    /// copy, so tiered bytecode keeps this shape too (it had one dispatch
    /// more per iteration than the interpreter's, and the JIT, which
    /// compiles the same bytecode, gave collatz 14% more instructions). A
    /// loop that leaves this way counts its last iteration twice, which
    /// only moves its tier-up by one. Landing after the header's branch is
    /// safe for the translator's state: the header starts at a label, so
    /// the accumulator is empty there and the branch leaves it empty;
    /// `HotLoop` leaves it empty too.
    pub(super) fn thread_back_edge(&mut self, idx: usize, start: u32) -> Option<u32> {
        let (mut head, mut next) = decode(&self.code, start as usize).ok()?;
        let counted = matches!(head, Op::HotLoop {});
        if counted {
            (head, next) = decode(&self.code, next).ok()?;
        }
        // A conditional branch (one with an opposite) whose target field
        // (the last 4 bytes) waits for the end of a block around the loop,
        // or is known: not waiting for any block.
        let opposite = head.opposite(Target(next as u32))?;
        let field = next - 4;
        let exits = self.ctrl[..idx].iter().any(|c| c.patches.contains(&field));
        if !exits && self.ctrl.iter().any(|c| c.patches.contains(&field)) {
            return None;
        }
        if counted {
            self.emit(Op::HotLoop {});
        }
        if exits {
            self.emit(opposite);
            None
        } else {
            self.emit(head);
            Some(next as u32)
        }
    }

    pub(super) fn emit_return(&mut self) {
        let n = self.ctrl[0].results.len();
        let len = self.stack.len();
        if n == 1 {
            let src = self.slot_at(len - 1);
            self.emit(Op::ReturnSlot { src });
            return;
        }
        // Sources that are locals inside the destination range are moved out first.
        for j in 0..n {
            if let Kind::Local(l) = self.stack[len - n + j].kind
                && (l as usize) < n
            {
                self.materialize(len - n + j);
            }
        }
        for j in 0..n {
            let i = len - n + j;
            // Results below `num_locals` are ordinary slots; above, they
            // would read as temporaries, so they get a placeholder.
            let dst = if j < self.num_locals as usize { Slot(j as u16) } else { Slot(RESULT_TAG + j as u16) };
            self.copy_operand_to(i, dst);
        }
        self.emit(Op::Return {});
    }

    pub(super) fn open_block(&mut self, kind: CtrlKind, bt: BlockType) -> Result<(), ModuleError> {
        let (params, results) = block_type(self.env, bt)?;
        self.materialize_locals();
        let n = params.len();
        let len = self.stack.len();
        for i in len - n..len {
            self.materialize(i);
        }
        let base = len - n;
        self.ctrl.push(Control {
            kind,
            base,
            params,
            results,
            patches: SmallVec::new(),
            loop_start: 0,
            else_patch: None,
            shift: 0,
            branched: false,
        });
        Ok(())
    }

    pub(super) fn set_unreachable(&mut self) {
        self.reachable = false;
        let base = self.ctrl.last().map(|c| c.base).unwrap_or(0);
        self.stack.truncate(base);
    }

    /// Handles `end` of the innermost block.
    pub(super) fn end_block(&mut self) {
        let Some(c) = self.ctrl.last() else { return };
        if c.kind == CtrlKind::Function {
            if self.reachable {
                self.emit_return();
            }
            self.stack.clear();
            self.ctrl.pop();
            return;
        }
        let n = c.results.len();
        let base = c.base;
        if c.kind == CtrlKind::If {
            // An `if` without `else`: the false path falls through to here
            // with its params as results.
            if self.reachable {
                self.copy_top_to(n, base);
            }
            let c = self.ctrl.last_mut().expect("innermost block exists");
            if let Some(at) = c.else_patch.take() {
                // The false path of an `if` without `else` jumps to the end.
                c.branched = true;
                c.patches.push(at);
            }
        } else if self.reachable {
            self.copy_top_to(n, base);
        }
        let c = self.ctrl.pop().expect("innermost block exists");
        let end = self.pos();
        for &at in &c.patches {
            self.patch(at, end);
        }
        let reachable = self.reachable || (c.kind != CtrlKind::Loop && c.branched);
        self.stack.truncate(base);
        if c.shift > 0 {
            // `if` with params: results move down over the params and the
            // condition's hole.
            self.stack.truncate(base - c.shift);
            let new_base = base - c.shift;
            if reachable {
                self.label_here();
                for j in 0..n {
                    let dst = self.temp_slot(new_base + j);
                    let src = self.temp_slot(base + j);
                    self.emit(Op::Copy { dst, src, ty: c.results[j].code() });
                }
            }
            for &cell in &c.results {
                self.push_cell(Kind::Temp, cell);
            }
        } else {
            for &cell in &c.results {
                self.push_cell(Kind::Temp, cell);
            }
            if c.branched {
                self.label_here();
            }
        }
        if c.kind == CtrlKind::Loop {
            self.last_result = None;
        }
        self.reachable = reachable;
    }

    pub(super) fn else_block(&mut self) {
        let Some(c) = self.ctrl.last() else { return };
        let n = c.results.len();
        let base = c.base;
        if self.reachable {
            self.copy_top_to(n, base);
            let idx = self.ctrl.len() - 1;
            self.jump_to(idx, |target| Op::Br { target });
        }
        let here = self.pos();
        let c = self.ctrl.last_mut().expect("innermost block exists");
        c.kind = CtrlKind::Else;
        if let Some(at) = c.else_patch.take() {
            self.patch(at, here);
        }
        let c = self.ctrl.last().expect("innermost block exists");
        let (shift, params) = (c.shift, c.params.clone());
        self.stack.truncate(base);
        self.label_here();
        if shift > 0 {
            // Re-copy the params (which sit below the condition's hole).
            for (j, &cell) in params.iter().enumerate() {
                let dst = self.temp_slot(base + j);
                let src = self.temp_slot(base - shift + j);
                self.emit(Op::Copy { dst, src, ty: cell.code() });
                self.push_cell(Kind::Temp, cell);
            }
        } else {
            for &cell in &params {
                self.push_cell(Kind::Temp, cell);
            }
        }
        self.reachable = true;
    }
}
