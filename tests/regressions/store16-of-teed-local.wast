;; Found by the `differential` fuzz target (artifact crash-3bc5...): wasmi
;; 2.0.0's translator panics (`unreachable!` in `choose_store_op_vt`) on
;; this body, a store whose address and value are the same teed local after
;; a large constant offset. The function is wasm-smith's, verbatim; "peek"
;; is ours, to see the store. By hand: memory.size = 10, so local0 = 10 and
;; the i16 10 is stored at 10 + 393209 = 393219 (inside the 655,360 bytes);
;; the i64.load32_u at 10 + 65535 is in bounds too; then `unreachable`.
(module
  (memory (export "1") 10)
  (func (export "") (param i32)
    memory.size
    local.tee 0
    local.tee 0
    local.get 0
    i32.store16 offset=393209 align=2
    ref.null func
    memory.size
    i64.load32_u offset=65535 align=1
    unreachable)
  (func (export "peek") (param i32) (result i32)
    (i32.load16_u (local.get 0)))
)
(assert_return (invoke "peek" (i32.const 393219)) (i32.const 0))
(assert_trap (invoke "" (i32.const 7)) "unreachable")
(assert_return (invoke "peek" (i32.const 393219)) (i32.const 10))
(assert_return (invoke "peek" (i32.const 393217)) (i32.const 0))
(assert_return (invoke "peek" (i32.const 393221)) (i32.const 0))
