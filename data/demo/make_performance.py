#!/usr/bin/env python3
"""Writes performance.mid: the built-in performance of `midimon demo` (format 0, 480
ticks per quarter at 120 bpm, so 960 ticks = 1 second). Run it again after editing the
list below; the .mid is committed so building needs no Python."""
import struct
import sys

TPQ = 480
TICKS_PER_SECOND = 960  # 120 bpm

# (seconds, bytes): every stage of the demo config, in the order the demo tells it.
EVENTS = [
    (0.0, [0x90, 36, 100]), (0.2, [0x80, 36, 0]),                 # Note -> Keystroke
    (0.6, [0x90, 37, 30]), (0.8, [0x80, 37, 0]),                  # VelocityRange soft -> Text
    (1.2, [0x90, 38, 90]), (2.2, [0x80, 38, 0]),                  # LongPress -> notes-to-file
    (2.6, [0x90, 39, 80]), (2.7, [0x80, 39, 0]),                  # DoubleTap -> counter
    (2.8, [0x90, 39, 80]), (2.9, [0x80, 39, 0]),
    (3.4, [0x90, 48, 90]), (3.41, [0x90, 52, 90]), (3.42, [0x90, 55, 90]),  # chord
    (3.8, [0x80, 48, 0]), (3.8, [0x80, 52, 0]), (3.8, [0x80, 55, 0]),
    (4.2, [0xB0, 16, 64]), (4.3, [0xB0, 16, 66]),                 # encoder turn right
    (5.0, [0xB0, 7, 100]),                                        # CC -> template plugin
    (5.6, [0xD0, 90]),                                            # aftertouch -> mouse
    (6.2, [0xE0, 0x00, 0x6E]),                                    # pitch bend 14080 -> midi-echo
    (6.4, [0xE0, 0x00, 0x40]),                                    # back to centre
    (6.8, [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7]),                  # SysEx identity -> Shell
    (7.4, [0xC0, 2]),                                             # program 2 -> Media
    (8.0, [0x90, 36, 100]), (8.2, [0x80, 36, 0]),                 # Media's note 36
    (8.6, [0x90, 40, 100]), (8.8, [0x80, 40, 0]),                 # Repeat
    (9.2, [0x90, 41, 100]), (9.4, [0x80, 41, 0]),                 # Conditional -> Launch
    (9.8, [0x90, 42, 100]), (10.0, [0x80, 42, 0]),                # Delay then key
    (10.4, [0xC0, 1]),                                            # program 1 -> Default
    (11.0, [0x90, 36, 100]), (11.2, [0x80, 36, 0]),               # Default's note 36 again
    (12.0, [0xBF, 123, 0]),                                       # all notes off (ends it)
]


def varlen(value):
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.insert(0, 0x80 | (value & 0x7F))
        value >>= 7
    return bytes(out)


def main(path):
    track = bytearray()
    track += b"\x00\xFF\x03" + varlen(len(b"midimon demo")) + b"midimon demo"
    last = 0
    for seconds, data in EVENTS:
        tick = round(seconds * TICKS_PER_SECOND)
        track += varlen(tick - last)
        last = tick
        if data[0] == 0xF0:
            body = bytes(data[1:])  # SMF SysEx: F0, length, bytes after F0 (F7 included)
            track += b"\xF0" + varlen(len(body)) + body
        else:
            track += bytes(data)
    track += b"\x00\xFF\x2F\x00"
    with open(path, "wb") as f:
        f.write(b"MThd" + struct.pack(">IHHH", 6, 0, 1, TPQ))
        f.write(b"MTrk" + struct.pack(">I", len(track)) + track)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "performance.mid")
