//! rust-greeter: a midimon plugin in Rust, shaped like MIDIMon's own template plugin.
//!
//! ABI v1 (docs/plugins/abi.md): exports `memory`, `init() -> i64` (metadata JSON as
//! `(ptr << 32) | len`), `alloc(i32) -> i32`, `execute(i32, i32) -> i32` and
//! `dealloc(i32, i32)`. The request is parsed with serde; like MIDIMon's template it
//! *requires* `context.timestamp` and `context.metadata`, so a request without them is
//! "bad JSON" (return code 2).
//!
//! Actions: `hello` prints a greeting with the velocity; `greet` prints
//! "Hello, NAME!" with NAME from `context.metadata.name` (MIDIMon's way) or
//! `params.name`; `echo` prints the action, the velocity and the params.
//! Return codes: 0 ok, 1 memory/UTF-8 error, 2 bad JSON, 3 unknown action.

use std::collections::HashMap;

use serde::Deserialize;

/// The request as midimon sends it. `params` and `parameters` are midimon's additions;
/// MIDIMon's plugins ignore unknown fields, so they are optional here.
#[derive(Deserialize)]
struct Request {
    action: String,
    context: Context,
    #[serde(default)]
    params: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct Context {
    velocity: Option<u8>,
    note: Option<u8>,
    #[allow(dead_code)]
    cc: Option<u8>,
    #[allow(dead_code)]
    value: Option<u8>,
    current_mode: Option<i64>,
    #[allow(dead_code)]
    timestamp: u64, // required, as in MIDIMon's template
    metadata: HashMap<String, String>, // required, as in MIDIMon's template
}

const METADATA: &str = concat!(
    r#"{"name":"rust-greeter","version":"0.1.0","#,
    r#""description":"A Rust plugin with serde: hello and greet, like the template of MIDIMon","#,
    r#""author":"midimon","license":"MIT","type":"action","capabilities":[]}"#
);

/// Metadata location packed as (ptr << 32) | len.
#[no_mangle]
pub extern "C" fn init() -> i64 {
    ((METADATA.as_ptr() as i64) << 32) | METADATA.len() as i64
}

/// Room for the request: a Vec's buffer, leaked until `dealloc` takes it back.
#[no_mangle]
pub extern "C" fn alloc(size: i32) -> i32 {
    if size <= 0 {
        return 0;
    }
    let mut buf: Vec<u8> = Vec::with_capacity(size as usize);
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr as i32
}

/// Gives back what `alloc` handed out (same size).
#[no_mangle]
pub extern "C" fn dealloc(ptr: i32, size: i32) {
    if ptr == 0 || size <= 0 {
        return;
    }
    // SAFETY: ptr/size come from alloc above, which leaked a Vec of that capacity.
    unsafe { drop(Vec::from_raw_parts(ptr as *mut u8, 0, size as usize)) }
}

#[no_mangle]
pub extern "C" fn execute(ptr: i32, len: i32) -> i32 {
    if len < 0 || (ptr == 0 && len > 0) {
        return 1;
    }
    // SAFETY: the host wrote `len` bytes at `ptr` (memory from alloc).
    let bytes = unsafe { std::slice::from_raw_parts(ptr as *const u8, len as usize) };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => return 1,
    };
    let request: Request = match serde_json::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rust-greeter: invalid request JSON: {}", e);
            return 2;
        }
    };
    run(&request)
}

fn run(request: &Request) -> i32 {
    let ctx = &request.context;
    match request.action.as_str() {
        "hello" => {
            println!(
                "Hello from rust-greeter! velocity={} note={} mode={}",
                show(ctx.velocity.map(i64::from)),
                show(ctx.note.map(i64::from)),
                show(ctx.current_mode)
            );
            0
        }
        "greet" => {
            let name = ctx
                .metadata
                .get("name")
                .cloned()
                .or_else(|| request.params.get("name").and_then(|v| v.as_str()).map(String::from))
                .unwrap_or_else(|| String::from("stranger"));
            println!("Hello, {}!", name);
            0
        }
        "echo" => {
            println!(
                "action={} velocity={} params={}",
                request.action,
                show(ctx.velocity.map(i64::from)),
                serde_json::Value::Object(request.params.clone())
            );
            0
        }
        other => {
            eprintln!("rust-greeter: unknown action '{}'", other);
            3
        }
    }
}

fn show(v: Option<i64>) -> String {
    v.map_or_else(|| String::from("none"), |n| n.to_string())
}
