//! Instantiation with Wasm 2.0 semantics: imports type-checked, memories,
//! tables and globals created, element then data segments applied in order.

use crate::memory::MemoryInstance;
use crate::module_env::{ConstExpr, ConstOp, EntityType, GlobalType, SegmentMode, TableType};
use crate::store::{Extern, InstanceData, ModuleInfo, PendingTrap, StoreOpaque, TrapReason};
use crate::table::TableInstance;
use crate::trap::TrapCode;
use crate::value::ValRaw;
use crate::vmctx::{VMArrayCallFn, VMCONTEXT_MAGIC, VMContextHeader, VMFuncRef, VMGlobalDefinition};
use std::fmt;
use std::sync::Arc;

/// Why instantiation failed.
#[derive(Debug)]
pub enum InstantiationError {
    /// An import is missing or has the wrong type.
    Link(String),
    /// A resource limit forbids a memory, table or instance.
    Resource(String),
    /// A segment was out of bounds or the start function trapped.
    Trap(PendingTrap),
}

impl fmt::Display for InstantiationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstantiationError::Link(m) => write!(f, "link error: {m}"),
            InstantiationError::Resource(m) => write!(f, "resource limit: {m}"),
            InstantiationError::Trap(t) => write!(f, "trap during instantiation: {:?}", t.reason),
        }
    }
}

fn trap(code: TrapCode) -> InstantiationError {
    InstantiationError::Trap(PendingTrap { reason: TrapReason::Wasm(code), backtrace: Default::default() })
}

/// Checks `imports` against the module and describes the first mismatch.
fn check_imports(store: &StoreOpaque, module: &ModuleInfo, imports: &[Extern]) -> Result<(), InstantiationError> {
    let env = &module.env;
    if imports.len() != env.imports.len() {
        return Err(InstantiationError::Link(format!("expected {} imports, got {}", env.imports.len(), imports.len())));
    }
    for (import, ext) in env.imports.iter().zip(imports) {
        let name = format!("`{}::{}`", import.module, import.name);
        let mismatch = |expected: String, found: String| {
            Err(InstantiationError::Link(format!(
                "incompatible import type for {name}: expected {expected}, found {found}"
            )))
        };
        match (&import.ty, *ext) {
            (EntityType::Func(t), Extern::Func(f)) => {
                let Some(have) = store.funcs.get(f as usize) else {
                    return Err(InstantiationError::Link(format!("unknown function for {name}")));
                };
                // Signatures are interned engine-wide: one id per type.
                // SAFETY: a registered funcref record lives as long as the store.
                let have_sig = unsafe { (*have.funcref).sig };
                let want = module.sig_ids.get(*t as usize).copied();
                if Some(have_sig) != want {
                    let want = want.and_then(|id| store.sigs.lookup(id)).unwrap_or_default();
                    return mismatch(format!("{want}"), format!("{}", have.ty));
                }
            }
            (EntityType::Table(t), Extern::Table(i)) => {
                let Some(have) = store.table(i) else {
                    return Err(InstantiationError::Link(format!("unknown table for {name}")));
                };
                let element = module.engine_type(t.element);
                let ok = have.ty.element == element
                    && have.ty.table64 == t.table64
                    && have.size() >= t.min
                    && match t.max {
                        None => true,
                        Some(m) => have.ty.max.is_some_and(|hm| hm <= m),
                    };
                if !ok {
                    let bits = |is64: bool| if is64 { "i64" } else { "i32" };
                    return mismatch(
                        format!("table {} {} {}..{:?}", bits(t.table64), element, t.min, t.max),
                        format!(
                            "table {} {} {}..{:?}",
                            bits(have.ty.table64),
                            have.ty.element,
                            have.size(),
                            have.ty.max
                        ),
                    );
                }
            }
            (EntityType::Memory(m), Extern::Memory(i)) => {
                let Some(have) = store.memory(i) else {
                    return Err(InstantiationError::Link(format!("unknown memory for {name}")));
                };
                let ok = have.ty.memory64 == m.memory64
                    && have.ty.page_size_log2 == m.page_size_log2
                    && have.pages() >= m.min
                    && match m.max {
                        None => true,
                        Some(mx) => have.ty.max.is_some_and(|hm| hm <= mx),
                    };
                if !ok {
                    let show = |ty: &crate::module_env::MemoryType, min: u64| {
                        let bits = if ty.memory64 { "i64" } else { "i32" };
                        format!("memory {bits} {min}..{:?} pages of {} bytes", ty.max, ty.page_size())
                    };
                    return mismatch(show(m, m.min), show(&have.ty, have.pages()));
                }
            }
            (EntityType::Global(g), Extern::Global(i)) => {
                let Some(have) = store.globals.get(i as usize) else {
                    return Err(InstantiationError::Link(format!("unknown global for {name}")));
                };
                // Immutable globals are covariant; mutable ones invariant.
                let want = GlobalType { ty: module.engine_type(g.ty), mutable: g.mutable };
                let ok = have.ty.mutable == want.mutable
                    && if want.mutable { have.ty.ty == want.ty } else { have.ty.ty.matches(want.ty) };
                if !ok {
                    let show = |g: &crate::module_env::GlobalType| {
                        format!("global {}{}", if g.mutable { "mut " } else { "" }, g.ty)
                    };
                    return mismatch(show(&want), show(&have.ty));
                }
            }
            (want, _) => {
                let kind = match want {
                    EntityType::Func(_) => "function",
                    EntityType::Table(_) => "table",
                    EntityType::Memory(_) => "memory",
                    EntityType::Global(_) => "global",
                };
                let found = match ext {
                    Extern::Func(_) => "function",
                    Extern::Table(_) => "table",
                    Extern::Memory(_) => "memory",
                    Extern::Global(_) => "global",
                };
                return mismatch(kind.to_string(), found.to_string());
            }
        }
    }
    Ok(())
}

/// Evaluates a constant expression (of a type that fits one cell).
fn eval_const(expr: &ConstExpr, inst: &InstanceData, store: &StoreOpaque) -> ValRaw {
    eval_const_wide(expr, inst, store).0
}

/// Evaluates a constant expression: its value, and the high half of a
/// `v128` (zero for other types).
fn eval_const_wide(expr: &ConstExpr, inst: &InstanceData, store: &StoreOpaque) -> (ValRaw, ValRaw) {
    // Each value with its high half.
    let mut stack: Vec<(ValRaw, ValRaw)> = Vec::with_capacity(2);
    for op in &expr.0 {
        let lo = match *op {
            ConstOp::V128(bits) => {
                stack.push((ValRaw(bits as u64), ValRaw((bits >> 64) as u64)));
                continue;
            }
            ConstOp::GlobalGet(g) => {
                let entry = &store.globals[inst.globals[g as usize] as usize];
                // SAFETY: global definitions live as long as the store.
                stack.push(unsafe { ((*entry.def).value, (*entry.def).hi) });
                continue;
            }
            ConstOp::I32(v) => ValRaw::i32(v),
            ConstOp::I64(v) => ValRaw::i64(v),
            ConstOp::F32(b) => ValRaw::f32_bits(b),
            ConstOp::F64(b) => ValRaw::f64_bits(b),
            ConstOp::RefNull => ValRaw(0),
            ConstOp::RefFunc(f) => ValRaw::funcref(inst.func_ref(f)),
            bin => {
                let (b, _) = stack.pop().unwrap_or_default();
                let (a, _) = stack.pop().unwrap_or_default();
                match bin {
                    ConstOp::I32Add => ValRaw::i32(a.get_i32().wrapping_add(b.get_i32())),
                    ConstOp::I32Sub => ValRaw::i32(a.get_i32().wrapping_sub(b.get_i32())),
                    ConstOp::I32Mul => ValRaw::i32(a.get_i32().wrapping_mul(b.get_i32())),
                    ConstOp::I64Add => ValRaw::i64(a.get_i64().wrapping_add(b.get_i64())),
                    ConstOp::I64Sub => ValRaw::i64(a.get_i64().wrapping_sub(b.get_i64())),
                    _ => ValRaw::i64(a.get_i64().wrapping_mul(b.get_i64())),
                }
            }
        };
        stack.push((lo, ValRaw(0)));
    }
    stack.pop().unwrap_or_default()
}

/// Instantiates `module` in `store` with `imports` (in import order).
/// `interp_entry` is the array-call entry given to defined functions.
/// Returns the store's instance id. The start function is not run here: the
/// caller runs it (through the function's array-call entry) once it no longer
/// holds a reference to the store.
pub fn instantiate(
    store: &mut StoreOpaque,
    module: &Arc<ModuleInfo>,
    imports: &[Extern],
    interp_entry: VMArrayCallFn,
) -> Result<u32, InstantiationError> {
    check_imports(store, module, imports)?;
    if store.num_instances() >= store.resource_limits.max_instances {
        return Err(InstantiationError::Resource("too many instances".into()));
    }
    let env = &module.env;
    let offsets = module.offsets;
    let layout = std::alloc::Layout::from_size_align(offsets.size().max(16) as usize, 16)
        .map_err(|_| InstantiationError::Resource("VMContext too large".into()))?;
    // SAFETY: the layout has a non-zero size.
    let vmctx = unsafe { std::alloc::alloc_zeroed(layout) };
    if vmctx.is_null() {
        return Err(InstantiationError::Resource("out of memory for VMContext".into()));
    }
    let mut inst = Box::new(InstanceData {
        module: module.clone(),
        vmctx,
        vmctx_layout: layout,
        elems: Vec::new(),
        datas_dropped: vec![false; env.datas.len()],
        memories: Vec::new(),
        tables: Vec::new(),
        globals: Vec::new(),
        id: 0,
    });
    let store_ptr = store.home();
    // SAFETY: `store_ptr` points at the live store; this only computes a
    // field's address from it (no access, no new borrow).
    let limits_ptr = unsafe { &raw mut (*store_ptr).limits };
    // Writes a pointer at a VMContext offset: as a pointer, not an integer,
    // so it keeps its provenance (Miri rejects dereferencing a pointer read
    // back from memory written as an integer).
    let put = |off: u32, val: *mut u8| {
        // SAFETY: every offset comes from VMOffsets for this module, so it is
        // inside the allocation and pointer-aligned.
        unsafe { *(vmctx.add(off as usize) as *mut *mut u8) = val };
    };
    // SAFETY: the allocation starts with a VMContextHeader (zeroed, 16-aligned).
    unsafe {
        *(vmctx as *mut VMContextHeader) = VMContextHeader {
            magic: VMCONTEXT_MAGIC,
            _pad: 0,
            store: store_ptr.cast(),
            limits: limits_ptr,
            // Set once the store owns the instance (below): a pointer taken
            // from the Box now would be invalidated by `Box::into_raw`.
            instance: core::ptr::null_mut(),
        };
    }
    // Functions.
    let mut next = [0u32; 4];
    for (import, ext) in env.imports.iter().zip(imports) {
        match (*ext, &import.ty) {
            (Extern::Func(f), _) => {
                put(offsets.imported_func(next[0]), store.funcs[f as usize].funcref.cast_mut().cast());
                next[0] += 1;
            }
            (Extern::Table(t), _) => {
                let def = or_null(store.table_def_ptr(t));
                put(offsets.table(next[1]), def);
                inst.tables.push(t);
                next[1] += 1;
            }
            (Extern::Memory(m), _) => {
                let def = or_null(store.memory_def_ptr(m));
                put(offsets.memory(next[2]), def);
                inst.memories.push(m);
                next[2] += 1;
            }
            (Extern::Global(g), _) => {
                put(offsets.imported_global(next[3]), store.globals[g as usize].def.cast());
                inst.globals.push(g);
                next[3] += 1;
            }
        }
    }
    for i in 0..env.num_defined_funcs() {
        let index = env.num_imported_funcs + i;
        let sig = module.func_sig(index);
        // SAFETY: the record's offset is inside the VMContext and aligned.
        unsafe {
            *(vmctx.add(offsets.defined_func(i) as usize) as *mut VMFuncRef) = VMFuncRef {
                array_call: interp_entry,
                wasm_call: core::ptr::null(),
                vmctx: vmctx.cast(),
                sig,
                index,
                code: core::ptr::null(),
            };
        }
    }
    // Memories and tables (the definitions are store-owned; VMContext points at them).
    for (i, ty) in env.memories.iter().enumerate().skip(env.num_imported_memories as usize) {
        let desired = ty.min.saturating_mul(ty.page_size()) as usize;
        let max = ty.max.map(|m| m.saturating_mul(ty.page_size()) as usize);
        if !store.memory_may_grow(0, desired, max) {
            return Err(InstantiationError::Resource("memory creation refused by the limiter".into()));
        }
        let mem = MemoryInstance::new(*ty, store.resource_limits.max_memory_bytes)
            .ok_or_else(|| InstantiationError::Resource(format!("cannot allocate memory of {} pages", ty.min)))?;
        let id = store.add_memory(mem).ok_or_else(|| InstantiationError::Resource("too many memories".into()))?;
        put(offsets.memory(i as u32), or_null(store.memory_def_ptr(id)));
        inst.memories.push(id);
    }
    for (i, ty) in env.tables.iter().enumerate().skip(env.num_imported_tables as usize) {
        if !store.table_may_grow(0, ty.min as usize, ty.max.map(|m| m as usize)) {
            return Err(InstantiationError::Resource("table creation refused by the limiter".into()));
        }
        // The initialiser reads imported globals only (tables come first).
        let init = env.table_inits.get(i - env.num_imported_tables as usize).map(|e| eval_const(e, &inst, store));
        let ty = TableType { element: module.engine_type(ty.element), ..*ty };
        let table = TableInstance::new(ty, init.unwrap_or_default(), store.resource_limits.max_table_elements)
            .ok_or_else(|| InstantiationError::Resource(format!("cannot allocate table of {} elements", ty.min)))?;
        let id = store.add_table(table).ok_or_else(|| InstantiationError::Resource("too many tables".into()))?;
        put(offsets.table(i as u32), or_null(store.table_def_ptr(id)));
        inst.tables.push(id);
    }
    // Defined globals, inline in the VMContext.
    for (i, init) in env.global_inits.iter().enumerate() {
        let (value, hi) = eval_const_wide(init, &inst, store);
        let def = {
            // SAFETY: the offset is inside the VMContext and 16-aligned.
            unsafe { vmctx.add(offsets.defined_global(i as u32) as usize) as *mut VMGlobalDefinition }
        };
        // SAFETY: as above.
        unsafe {
            (*def).value = value;
            (*def).hi = hi;
        }
        let ty = env.globals[env.num_imported_globals as usize + i];
        let ty = GlobalType { ty: module.engine_type(ty.ty), ..ty };
        store.globals.push(crate::store::GlobalEntry { def, ty });
        inst.globals.push(store.globals.len() as u32 - 1);
    }
    // Element segments, evaluated once.
    inst.elems = env.elems.iter().map(|seg| seg.items.iter().map(|e| eval_const(e, &inst, store)).collect()).collect();
    // From here on the instance belongs to the store; every pointer to it,
    // the header's included, derives from the one `Box::into_raw` returns
    // (Miri's Stacked Borrows check found the header holding a pointer taken
    // before, which the Box's retag had invalidated).
    let inst_ptr = Box::into_raw(inst);
    let id = store.push_instance(inst_ptr);
    // SAFETY: `inst_ptr` is the live allocation just handed to the store and
    // no reference to it exists; the VMContext starts with its header.
    let inst = unsafe {
        (*(vmctx as *mut VMContextHeader)).instance = inst_ptr.cast();
        (*inst_ptr).id = id;
        &mut *inst_ptr
    };
    for (i, seg) in env.elems.iter().enumerate() {
        match &seg.mode {
            SegmentMode::Active { index, offset } => {
                let offset = eval_const(offset, inst, store);
                let offset =
                    if env.tables[*index as usize].table64 { offset.get_u64() } else { offset.get_u32() as u64 };
                let items = std::mem::take(&mut inst.elems[i]);
                let table =
                    store.table_mut(inst.tables[*index as usize]).ok_or_else(|| trap(TrapCode::TableOutOfBounds))?;
                let end = offset.checked_add(items.len() as u64).ok_or_else(|| trap(TrapCode::TableOutOfBounds))?;
                if end > table.size() {
                    return Err(trap(TrapCode::TableOutOfBounds));
                }
                table.elements_mut()[offset as usize..end as usize].copy_from_slice(&items);
            }
            SegmentMode::Declared => inst.elems[i].clear(),
            SegmentMode::Passive => {}
        }
    }
    for (i, seg) in env.datas.iter().enumerate() {
        if let SegmentMode::Active { index, offset } = &seg.mode {
            let offset = eval_const(offset, inst, store);
            let offset =
                if env.memories[*index as usize].memory64 { offset.get_u64() } else { offset.get_u32() as u64 };
            let bytes = &env.bytes[seg.bytes.clone()];
            let mem =
                store.memory_mut(inst.memories[*index as usize]).ok_or_else(|| trap(TrapCode::MemoryOutOfBounds))?;
            let end = offset.checked_add(bytes.len() as u64).ok_or_else(|| trap(TrapCode::MemoryOutOfBounds))?;
            if end > mem.data().len() as u64 {
                return Err(trap(TrapCode::MemoryOutOfBounds));
            }
            mem.data_mut()[offset as usize..end as usize].copy_from_slice(bytes);
            inst.datas_dropped[i] = true;
        }
    }
    Ok(id)
}

/// A memory or table definition pointer for a VMContext slot (null if the
/// store has no such entity).
fn or_null<T>(def: Option<*mut T>) -> *mut u8 {
    def.map_or(core::ptr::null_mut(), |p| p.cast())
}
