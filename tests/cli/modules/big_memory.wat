;; A memory whose minimum (20 pages, 1310720 bytes) exceeds --max-memory 1048576.
(module (memory 20) (func (export "ok") (result i32) (i32.const 42)))
