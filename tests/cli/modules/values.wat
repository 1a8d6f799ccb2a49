;; Functions of every value type, for argument parsing and result printing.
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "fdiv") (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1)))
  (func (export "dadd") (param f64 f64) (result f64) (f64.add (local.get 0) (local.get 1)))
  (func (export "fid") (param f32) (result f32) (local.get 0))
  (func (export "did") (param f64) (result f64) (local.get 0))
  (func (export "swap") (param i32 f64) (result f64 i32) (local.get 1) (local.get 0))
  (func (export "null_func") (result funcref) (ref.null func))
  (func (export "ext_id") (param externref) (result externref) (local.get 0))
  (func (export "nothing"))
  ;; a v128 between scalars: lanes + 1, and the i32 after it
  (func (export "v128_inc") (param v128 i32) (result i32 v128)
    (local.get 1) (i32x4.add (local.get 0) (v128.const i32x4 1 1 1 1)))
  (global (export "g") i32 (i32.const 1))
  (memory (export "mem") 1 2))
