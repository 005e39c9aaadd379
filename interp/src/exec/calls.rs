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
    @raw
    // Calls of defined functions: `enter_fast`, else the whole op again in
    // its general handler (`slow`), by a tail call.
    Call => fast_call!();
    CallIndirect => fast_call_indirect!();
    @ops
    CallImported => call_imported!();
}
