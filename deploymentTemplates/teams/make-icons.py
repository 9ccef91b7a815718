#!/usr/bin/env python3
"""Draws the Teams app icons with the standard library only: color.png (192x192, a white speech bubble on the
accent colour) and outline.png (32x32, the bubble's outline in white on transparent, as Teams requires)."""
import struct, zlib, os

ACCENT = (0x2B, 0x57, 0x9A)

def png(path, size, pixel):
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y, size)) for x in range(size)) for y in range(size))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))

def bubble(x, y, s, inset=0.0):
    """Inside a rounded speech bubble (with a tail at the bottom left), in a size-s square."""
    u, v = (x + 0.5) / s, (y + 0.5) / s
    l, t, r, b, rad = 0.14 + inset, 0.18 + inset, 0.86 - inset, 0.70 - inset, 0.12
    cx, cy = min(max(u, l + rad), r - rad), min(max(v, t + rad), b - rad)
    body = l <= u <= r and t <= v <= b and (u - cx) ** 2 + (v - cy) ** 2 <= rad ** 2 + 1e-9
    tail = b - 0.01 <= v <= 0.86 - inset * 2 and 0.26 + inset <= u <= 0.26 + inset + (0.86 - inset * 2 - v) * 0.9
    return body or tail

def color(x, y, s):
    return (255, 255, 255, 255) if bubble(x, y, s) else ACCENT + (255,)

def outline(x, y, s):
    return (255, 255, 255, 255) if bubble(x, y, s) and not bubble(x, y, s, inset=0.07) else (0, 0, 0, 0)

here = os.path.dirname(os.path.abspath(__file__))
png(os.path.join(here, "color.png"), 192, color)
png(os.path.join(here, "outline.png"), 32, outline)
