//! Handlers of the calls ops: direct, imported and indirect calls.

use super::*;

/// The general handlers of the call ops that have a fast path.
#[expect(clippy::too_many_arguments, reason = "a handler takes the interpreter's registers as arguments")]
mod slow {
    use super::*;
    tandem_vm_core::for_each_form!(Call, form_handler, r, cx, call, ());
    tandem_vm_core::for_each_form!(CallIndirect, form_handler, r, cx, call_indirect, ());
}

handlers! { r, cx, Calls;
    ReturnCall => {
        let o = operands!(r, ReturnCall);
        do_tail_call(&mut r, cx, cx.vmctx.add(o.offset as usize) as *const VMFuncRef, o.args.index())?;
    };
    ReturnCallImported => {
        let o = operands!(r, ReturnCallImported);
        let callee = *(cx.vmctx.add(o.offset as usize) as *const *const VMFuncRef);
        do_tail_call(&mut r, cx, callee, o.args.index())?;
    };
    ReturnCallIndirect => {
        let o = operands!(r, ReturnCallIndirect);
        let callee = indirect_callee(cx, o.table, get!(r, o.index).get_u32(), o.sig)?;
        do_tail_call(&mut r, cx, callee, o.args.index())?;
    };
    ReturnCallRef => {
        let o = operands!(r, ReturnCallRef);
        let callee = ref_callee(get!(r, o.callee))?;
        do_tail_call(&mut r, cx, callee, o.args.index())?;
    };
    @raw
    // Calls of defined functions: `enter_fast`, else the whole op again in
    // its general handler (`slow`), by a tail call.
    Call => fast_call!();
    CallIndirect => fast_call_indirect!();
    @ops
    CallImported => call_imported!();
    CallRef => call_ref!();
}
