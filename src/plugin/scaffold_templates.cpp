// The text of the files `midimon plugin new` writes. {{name}} is the plugin's name,
// {{crate}} the Rust crate name (the name with '-' as '_'). Each scaffold builds with one
// command (./build.sh) and answers `midimon plugin call DIR hello` out of the box.
#include "plugin/scaffold_templates.h"

namespace midimon::plugin::scaffold_text {

const std::string_view kManifest = R"TPL([plugin]
name = "{{name}}"
version = "0.1.0"
description = "A midimon plugin"
author = "you"
license = "MIT"
type = "action"
binary = "{{name}}.wasm"

# What the plugin asks for; the user still has to grant each one
# (midimon plugin grant {{name}} CAP). See docs/plugins/capabilities.md.
[plugin.capabilities]
network = false
filesystem = false
audio = false
midi = false
subprocess = false
system_control = false
)TPL";

const std::string_view kGitignore = R"TPL(/*.wasm
/target/
/.cargo-home/
)TPL";

const std::string_view kCSource = R"TPL(/* {{name}}: a midimon plugin in C (ABI v1, docs/plugins/abi.md).
 *
 * Build: ./build.sh   Try: midimon plugin call . hello --velocity 100
 *
 * include/midimon/pdk/plugin.h (copied here by `midimon plugin new`) declares the host
 * functions and defines the init/alloc/dealloc exports through macros; json.h reads the
 * request. What the plugin writes to stdout goes to the daemon's log (and to the terminal
 * under `plugin call`).
 */
#include <stdio.h>
#include <unistd.h>

#include <midimon/pdk/plugin.h>

/* init(): where the metadata JSON lives. Keep the name equal to plugin.toml's. */
MIDIMON_PLUGIN_METADATA("{{name}}", "0.1.0", "A midimon plugin", "you", "MIT", "action", "")

/* alloc()/dealloc(): the host asks for room for each request here. */
MIDIMON_PLUGIN_ALLOCATOR()

/* execute(): one action. The request is JSON:
 *   {"action": "...", "context": {"velocity": .., "note": .., "cc": .., "value": ..,
 *    "current_mode": .., "timestamp": .., "metadata": {..}}, "params": {..}}
 * Return 0 on success, 2 for a request you cannot read, 3 when the action fails. */
MIDIMON_EXPORT(execute) int32_t execute(int32_t ptr, int32_t len) {
  /* One pass over the request: the action, the context (null or absent fields are
   * MIDIMON_ABSENT), the params. The plugin is interpreted: reading once is cheap. */
  midimon_request r;
  if (!midimon_request_read(MIDIMON_REQUEST(ptr), len, &r)) return MIDIMON_ERR_BAD_JSON;

  if (midimon_json_value_equals(r.action, "hello")) {
    /* Built without printf and written at once: several times cheaper than printf, and
     * write() is unbuffered, so there is nothing to flush. */
    char buf[96];
    midimon_text line = midimon_text_on(buf, (int32_t)sizeof buf);
    midimon_text_str(&line, "hello from {{name}} (velocity ");
    midimon_text_int(&line, r.velocity);
    midimon_text_str(&line, ")\n");
    (void)write(1, line.ptr, (size_t)line.len);
    return MIDIMON_OK;
  }
  /* printf works too; stdout and stderr are fully buffered, so flush. */
  char action[64];
  midimon_json_value_string(r.action, action, (int32_t)sizeof action);
  fprintf(stderr, "{{name}}: unknown action '%s'\n", action);
  fflush(stderr);
  return MIDIMON_ERR_ACTION_FAILED;
}
)TPL";

const std::string_view kCBuild = R"TPL(#!/bin/sh
# Builds {{name}}.wasm with clang-14 for wasm32-wasi (Debian: clang-14, lld-14, wasi-libc).
# The PDK headers are in ./include (copied by `midimon plugin new`), so this needs no
# installed midimon. CLANG=... picks another clang.
set -eu
cd "$(dirname "$0")"
"${CLANG:-clang-14}" --target=wasm32-wasi -O2 -fno-exceptions -Wall -Wextra \
  -nostartfiles -Wl,--no-entry -Wl,--strip-debug \
  -I include {{name}}.c -o {{name}}.wasm
echo "built $(pwd)/{{name}}.wasm"
)TPL";

const std::string_view kCReadme = R"TPL(# {{name}}

A midimon plugin in C, compiled to WebAssembly.

    ./build.sh                                   # clang-14 -> {{name}}.wasm
    midimon plugin call . hello --velocity 100   # prints "hello from {{name}} (velocity 100)"
    midimon plugin install .                     # when you are happy with it

- `{{name}}.c` — the plugin: metadata, allocator and `execute`.
- `include/midimon/pdk/` — the plugin developer kit's headers (a copy; refresh them from a
  newer midimon with `midimon plugin new` into a scratch directory).
- `plugin.toml` — the manifest: name, binary and the capabilities the plugin asks for.

See docs/plugins/writing-c.md and docs/plugins/host-api.md in midimon's sources.
)TPL";

const std::string_view kRustCargoToml = R"TPL([package]
name = "{{name}}"
version = "0.1.0"
edition = "2021"
publish = false

[lib]
crate-type = ["cdylib"]
path = "src/lib.rs"

# Versions Debian 12 packages in /usr/share/cargo/registry (librust-serde-dev,
# librust-serde-derive-dev, librust-serde-json-dev); see .cargo/config.toml.
[dependencies]
serde = { version = "=1.0.152", features = ["derive"] }
serde_json = "=1.0.87"

[profile.release]
opt-level = "s"
lto = true
panic = "abort"
codegen-units = 1
strip = true
)TPL";

const std::string_view kRustCargoConfig = R"TPL(# Build offline from Debian's packaged crates: crates.io is replaced by a directory.
[source.crates-io]
replace-with = "debian-packages"

[source.debian-packages]
directory = "/usr/share/cargo/registry"
)TPL";

const std::string_view kRustLib = R"TPL(//! {{name}}: a midimon plugin in Rust (ABI v1, docs/plugins/abi.md).
//!
//! Build: ./build.sh   Try: midimon plugin call . hello --velocity 100

use std::collections::HashMap;

use serde::Deserialize;

#[derive(Deserialize)]
struct Request {
    action: String,
    context: Context,
    #[serde(default)]
    params: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Context {
    velocity: Option<u8>,
    note: Option<u8>,
    cc: Option<u8>,
    value: Option<u8>,
    current_mode: Option<i64>,
    timestamp: u64,
    metadata: HashMap<String, String>,
}

const METADATA: &str = concat!(
    r#"{"name":"{{name}}","version":"0.1.0","description":"A midimon plugin","#,
    r#""author":"you","license":"MIT","type":"action","capabilities":[]}"#
);

/// The metadata's location as (ptr << 32) | len.
#[no_mangle]
pub extern "C" fn init() -> i64 {
    ((METADATA.as_ptr() as i64) << 32) | METADATA.len() as i64
}

/// Room for the request (given back by dealloc).
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

#[no_mangle]
pub extern "C" fn dealloc(ptr: i32, size: i32) {
    if ptr != 0 && size > 0 {
        // SAFETY: ptr/size come from alloc.
        unsafe { drop(Vec::from_raw_parts(ptr as *mut u8, 0, size as usize)) }
    }
}

/// One action: 0 success, 1 memory/UTF-8 error, 2 bad JSON, 3 action failed.
#[no_mangle]
pub extern "C" fn execute(ptr: i32, len: i32) -> i32 {
    if len < 0 || (ptr == 0 && len > 0) {
        return 1;
    }
    // SAFETY: the host wrote len bytes at ptr, in memory from alloc.
    let bytes = unsafe { std::slice::from_raw_parts(ptr as *const u8, len as usize) };
    let request: Request = match std::str::from_utf8(bytes).map(serde_json::from_str) {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            eprintln!("{{name}}: bad request: {}", e);
            return 2;
        }
        Err(_) => return 1,
    };
    match request.action.as_str() {
        "hello" => {
            let velocity = request.context.velocity.map_or(-1, i64::from);
            println!("hello from {{name}} (velocity {})", velocity);
            0
        }
        other => {
            eprintln!("{{name}}: unknown action '{}' (params: {})", other, request.params.len());
            3
        }
    }
}
)TPL";

const std::string_view kRustBuild = R"TPL(#!/bin/sh
# Builds {{name}}.wasm with Debian's cargo and rustc (never a rustup toolchain), offline,
# with serde from /usr/share/cargo/registry (Debian: cargo, rustc, libstd-rust-dev-wasm32,
# librust-serde-dev, librust-serde-derive-dev, librust-serde-json-dev).
set -eu
cd "$(dirname "$0")"
here="$(pwd)"
export CARGO_HOME="${CARGO_HOME:-$here/.cargo-home}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
export RUSTC=/usr/bin/rustc
/usr/bin/cargo build --offline --release --target wasm32-wasi
cp "$CARGO_TARGET_DIR/wasm32-wasi/release/{{crate}}.wasm" {{name}}.wasm
echo "built $here/{{name}}.wasm"
)TPL";

const std::string_view kRustReadme = R"TPL(# {{name}}

A midimon plugin in Rust, compiled to WebAssembly with Debian's toolchain, offline.

    ./build.sh                                   # cargo (Debian) -> {{name}}.wasm
    midimon plugin call . hello --velocity 100   # prints "hello from {{name}} (velocity 100)"
    midimon plugin install .                     # when you are happy with it

- `src/lib.rs` — the plugin: metadata, alloc/dealloc and `execute` with a serde request.
- `.cargo/config.toml` — points crates.io at /usr/share/cargo/registry (no downloads).
- `plugin.toml` — the manifest: name, binary and the capabilities the plugin asks for.

See docs/plugins/writing-rust.md in midimon's sources.
)TPL";

}  // namespace midimon::plugin::scaffold_text
