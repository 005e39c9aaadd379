;; Found by fuzzing (`differential`, 2026-12-07): a compiled function that
;; uses a memory and ends in a tail call had the memory's base and length
;; reloaded after its `return_call`, which ends the block: Cranelift
;; panicked and `jit` mode refused the module. Expectations by hand.
(module
  (type $t (func (param i32) (result i32)))
  (memory 1)
  (table funcref (elem $f))
  (func $f (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "g") (param i32) (result i32)
    (i32.store (local.get 0) (i32.const 42))
    (return_call $f (local.get 0)))
  (func (export "h") (param i32) (result i32)
    (i32.store (local.get 0) (i32.const 7))
    (return_call_indirect (type $t) (local.get 0) (i32.const 0))))

(assert_return (invoke "g" (i32.const 8)) (i32.const 42))
(assert_return (invoke "h" (i32.const 16)) (i32.const 7))
(assert_return (invoke "g" (i32.const 8)) (i32.const 42))
(assert_trap (invoke "g" (i32.const 65536)) "out of bounds memory access")
