;; Found by the `differential` fuzz target (artifact crash-0e3e...): wasmi
;; 2.0.0 traps with "integer divide by zero" here, while Tandem and wasmtime
;; 48 return 0. By hand: local1 = local0, then `select(1, local1,
;; eqz(local1))` is stored back into local1, one of its own operands; so
;; local1 is 1 when local0 = 0 and `rem_s` never divides by zero (and the
;; INT_MIN % -1 case is steered away by the blocks).
(module
  (func (export "f") (param i32) (result i32) (local i32 i32)
    local.get 0
    i32.ctz
    i32.ctz
    i64.extend_i32_s
    i64.popcnt
    local.get 0
    local.get 0
    local.set 1
    i32.const 1
    local.get 1
    local.get 1
    i32.eqz
    select
    local.set 1
    local.set 2
    block
      block
        local.get 2
        local.get 1
        local.set 1
        local.tee 2
        i32.const -2147483648
        i32.ne
        br_if 0
        local.get 1
        i32.const -1
        i32.ne
        br_if 0
        i32.const 1
        local.set 1
        br 1
      end
    end
    local.get 2
    local.get 1
    i32.rem_s
    drop
    drop
    i32.const 0)

  ;; The same shape, made observable: select's result lands in one of the
  ;; locals it reads, and is returned.
  (func (export "sel-into-operand") (param i32 i32) (result i32) (local i32)
    local.get 0
    local.set 2
    local.get 1
    local.get 2
    local.get 2
    i32.eqz
    select
    local.set 2
    local.get 2)
)
(assert_return (invoke "f" (i32.const 0)) (i32.const 0))
(assert_return (invoke "f" (i32.const 1)) (i32.const 0))
(assert_return (invoke "f" (i32.const -1)) (i32.const 0))
(assert_return (invoke "f" (i32.const -2147483648)) (i32.const 0))
;; local2 = a; select(b, a, a == 0): b when a is 0, else a.
(assert_return (invoke "sel-into-operand" (i32.const 0) (i32.const 7)) (i32.const 7))
(assert_return (invoke "sel-into-operand" (i32.const 5) (i32.const 7)) (i32.const 5))
(assert_return (invoke "sel-into-operand" (i32.const -3) (i32.const 0)) (i32.const -3))
