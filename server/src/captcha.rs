//! Self-contained graphical captcha renderer.
//!
//! Produces a small 120x40 RGB PNG with a hand-made 5x7 bitmap font, light
//! noise and a couple of lines. Only depends on `std` and the `png` crate.
//! All randomness comes from a caller supplied `seed`, so rendering is
//! deterministic: the same `(text, seed)` always yields the same bytes.
//! Session handling, answer storage and comparison live elsewhere.

/// Characters used for captcha answers: no look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
pub const ALPHABET: &[u8] = b"34679ACDEFGHJKMNPQRTUVWXY";

/// Image width in pixels.
pub const WIDTH: u32 = 120;
/// Image height in pixels.
pub const HEIGHT: u32 = 40;

/// Pick one character from [`ALPHABET`] per input byte (modulo bias is
/// accepted). The answer has exactly `bytes.len()` characters.
pub fn answer_from_bytes(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// Render `text` (characters from [`ALPHABET`], 4-6 chars) into a 120x40 RGB
/// PNG. `seed` drives all randomness. Lower-case letters are drawn as their
/// upper-case form; characters without a glyph are left blank (never panics).
pub fn render_png(text: &str, seed: u64) -> Vec<u8> {
    let mut rng = SplitMix64(seed);
    let mut img = Canvas::new(WIDTH as usize, HEIGHT as usize);

    // Light background with a gentle vertical gradient.
    let bg = [
        rng.range(236, 250) as u8,
        rng.range(236, 250) as u8,
        rng.range(230, 246) as u8,
    ];
    for y in 0..img.h {
        let shade = (y * 8 / img.h) as u8;
        for x in 0..img.w {
            img.set(
                x as i32,
                y as i32,
                [bg[0] - shade, bg[1] - shade, bg[2] - shade],
            );
        }
    }

    // Faint noise dots.
    for _ in 0..260 {
        let x = rng.below(WIDTH as u64) as i32;
        let y = rng.below(HEIGHT as u64) as i32;
        let v = rng.range(170, 225) as u8;
        let tint = rng.range(0, 20) as u8;
        img.set(x, y, [v, v.saturating_sub(tint), v]);
    }

    // Characters.
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len().max(1) as i32;
    let glyph_w = (GLYPH_W as f32 * SCALE_X) as i32; // 15
    let glyph_h = (GLYPH_H as f32 * SCALE_Y) as i32; // 28
                                                     // Wide spacing for 4-6 chars, squeezed (but never panicking) for more.
    let pitch = if n <= 1 {
        0
    } else {
        ((WIDTH as i32 - 6 - glyph_w) / (n - 1)).min(glyph_w + 5)
    };
    let total_w = pitch * (n - 1) + glyph_w;
    let start_x = (WIDTH as i32 - total_w) / 2;
    let base_y = (HEIGHT as i32 - glyph_h) / 2;

    for (i, ch) in chars.iter().enumerate() {
        // Always consume the same amount of randomness per char, drawn or not.
        let mut dx = rng.range(0, 5) as i32 - 2; // -2..=2 px
        let dy = rng.range(0, 9) as i32 - 4; // -4..=4 px
        let angle = (rng.range(0, 25) as f32 - 12.0) / 100.0; // about +-7 degrees
        let shear = (rng.range(0, 21) as f32 - 10.0) / 100.0; // -0.10..=0.10
        let colour = dark_colour(&mut rng);
        let Some(rows) = glyph_for(*ch) else { continue };
        if pitch < glyph_w + 5 {
            dx /= 2; // tighter spacing (6 chars): less jitter so glyphs don't collide
        }

        let x0 = start_x + pitch * i as i32 + dx;
        let y0 = base_y + dy;
        draw_glyph(&mut img, rows, x0, y0, angle, shear, colour);
    }

    // 2-3 thin noise lines across the whole image.
    let lines = rng.range(2, 4);
    for _ in 0..lines {
        let x0 = rng.range(0, 15) as i32;
        let x1 = WIDTH as i32 - 1 - rng.range(0, 15) as i32;
        let y0 = rng.range(4, HEIGHT as u64 - 4) as i32;
        let y1 = rng.range(4, HEIGHT as u64 - 4) as i32;
        let c = [
            rng.range(100, 180) as u8,
            rng.range(100, 180) as u8,
            rng.range(100, 180) as u8,
        ];
        img.line(x0, y0, x1, y1, c);
    }

    img.encode_png()
}

// ---------------------------------------------------------------------------
// Font: 5x7 glyphs, one byte per row, bit 4 = leftmost column.

const GLYPH_W: usize = 5;
const GLYPH_H: usize = 7;
const SCALE_X: f32 = 3.0;
const SCALE_Y: f32 = 4.0;
/// Supersampling per axis for anti-aliased glyph edges.
const SS: usize = 4;

/// Half the stroke width in pixels.
const STROKE_R: f32 = 1.7;

/// Stroke skeleton of a glyph in unrotated glyph pixel space: every lit cell
/// centre is joined to its lit right/down neighbours, and to lit diagonal
/// neighbours when no orthogonal path exists, so diagonals come out as solid
/// strokes instead of touching blocks. Isolated cells become dots.
fn glyph_segments(rows: &[u8; GLYPH_H]) -> Vec<[f32; 4]> {
    let lit = |x: i32, y: i32| {
        x >= 0
            && y >= 0
            && (x as usize) < GLYPH_W
            && (y as usize) < GLYPH_H
            && rows[y as usize] & (1 << (GLYPH_W - 1 - x as usize)) != 0
    };
    let centre = |x: i32, y: i32| ((x as f32 + 0.5) * SCALE_X, (y as f32 + 0.5) * SCALE_Y);
    let mut segs = Vec::new();
    for y in 0..GLYPH_H as i32 {
        for x in 0..GLYPH_W as i32 {
            if !lit(x, y) {
                continue;
            }
            let (ax, ay) = centre(x, y);
            let mut joined = false;
            for (nx, ny) in [(x + 1, y), (x, y + 1), (x + 1, y + 1), (x - 1, y + 1)] {
                if !lit(nx, ny) {
                    continue;
                }
                let diagonal = nx != x && ny != y;
                if diagonal && (lit(nx, y) || lit(x, ny)) {
                    continue;
                }
                let (bx, by) = centre(nx, ny);
                segs.push([ax, ay, bx, by]);
                joined = true;
            }
            if !joined {
                segs.push([ax, ay, ax, ay]);
            }
        }
    }
    segs
}

/// Squared distance from (px, py) to segment s.
fn dist2(px: f32, py: f32, s: &[f32; 4]) -> f32 {
    let (dx, dy) = (s[2] - s[0], s[3] - s[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((px - s[0]) * dx + (py - s[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (s[0] + t * dx - px, s[1] + t * dy - py);
    ex * ex + ey * ey
}

/// Draw one glyph with its top-left corner at (x0, y0), rotated by `angle`
/// radians and horizontally sheared around its centre, blending an
/// anti-aliased (supersampled) coverage value into the canvas.
fn draw_glyph(
    img: &mut Canvas,
    rows: &[u8; GLYPH_H],
    x0: i32,
    y0: i32,
    angle: f32,
    shear: f32,
    colour: [u8; 3],
) {
    let segs = glyph_segments(rows);
    let w = GLYPH_W as f32 * SCALE_X;
    let h = GLYPH_H as f32 * SCALE_Y;
    let cx = x0 as f32 + w / 2.0;
    let cy = y0 as f32 + h / 2.0;
    let (sin, cos) = angle.sin_cos();
    let r2 = STROKE_R * STROKE_R;
    // A sample is at most ~0.71 px from its pixel centre (shear adds a bit).
    let reach2 = (STROKE_R + 0.85) * (STROKE_R + 0.85);
    let margin = 6;
    for py in y0 - margin..y0 + h as i32 + margin {
        for px in x0 - margin..x0 + w as i32 + margin {
            // Inverse rotation, then inverse shear, back to glyph space.
            let to_glyph = |x: f32, y: f32| {
                let (ux, uy) = (x - cx, y - cy);
                let rx = ux * cos + uy * sin;
                let ry = -ux * sin + uy * cos;
                (rx + shear * ry + w / 2.0, ry + h / 2.0)
            };
            // Cheap reject: nothing within reach of this pixel's centre.
            let (gx, gy) = to_glyph(px as f32 + 0.5, py as f32 + 0.5);
            let near: Vec<&[f32; 4]> = segs.iter().filter(|s| dist2(gx, gy, s) <= reach2).collect();
            if near.is_empty() {
                continue;
            }
            let mut hits = 0u32;
            for sy in 0..SS {
                for sx in 0..SS {
                    let (gx, gy) = to_glyph(
                        px as f32 + (sx as f32 + 0.5) / SS as f32,
                        py as f32 + (sy as f32 + 0.5) / SS as f32,
                    );
                    if near.iter().any(|s| dist2(gx, gy, s) <= r2) {
                        hits += 1;
                    }
                }
            }
            if hits > 0 {
                img.blend(px, py, colour, hits as f32 / (SS * SS) as f32);
            }
        }
    }
}

#[rustfmt::skip]
const GLYPHS: [[u8; GLYPH_H]; 25] = [
    [0b01110, 0b10001, 0b00001, 0b00110, 0b00001, 0b10001, 0b01110], // 3
    [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010], // 4
    [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110], // 6
    [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000], // 7
    [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100], // 9
    [0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001], // A
    [0b01110, 0b10001, 0b10000, 0b10000, 0b10000, 0b10001, 0b01110], // C
    [0b11110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b11110], // D
    [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111], // E
    [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b10000], // F
    [0b01110, 0b10001, 0b10000, 0b10111, 0b10001, 0b10001, 0b01111], // G
    [0b10001, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001], // H
    [0b00111, 0b00010, 0b00010, 0b00010, 0b00010, 0b10010, 0b01100], // J
    [0b10001, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010, 0b10001], // K
    [0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001], // M
    [0b10001, 0b10001, 0b11001, 0b10101, 0b10011, 0b10001, 0b10001], // N
    [0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000, 0b10000], // P
    [0b01110, 0b10001, 0b10001, 0b10001, 0b10101, 0b10010, 0b01101], // Q
    [0b11110, 0b10001, 0b10001, 0b11110, 0b10100, 0b10010, 0b10001], // R
    [0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100], // T
    [0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110], // U
    [0b10001, 0b10001, 0b10001, 0b10001, 0b01010, 0b01010, 0b00100], // V
    [0b10001, 0b10001, 0b10001, 0b10101, 0b10101, 0b10101, 0b01010], // W
    [0b10001, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001, 0b10001], // X
    [0b10001, 0b10001, 0b01010, 0b00100, 0b00100, 0b00100, 0b00100], // Y
];

/// Glyph rows for `c` (case-insensitive), or `None` if it has no glyph.
fn glyph_for(c: char) -> Option<&'static [u8; GLYPH_H]> {
    let c = c.to_ascii_uppercase();
    if !c.is_ascii() {
        return None;
    }
    ALPHABET
        .iter()
        .position(|&a| a == c as u8)
        .map(|i| &GLYPHS[i])
}

fn dark_colour(rng: &mut SplitMix64) -> [u8; 3] {
    // Dark, somewhat saturated colours: one channel a bit stronger.
    let mut c = [
        rng.range(10, 70) as u8,
        rng.range(10, 70) as u8,
        rng.range(10, 70) as u8,
    ];
    let strong = rng.below(3) as usize;
    c[strong] = c[strong].saturating_add(rng.range(40, 90) as u8);
    c
}

// ---------------------------------------------------------------------------
// PRNG: SplitMix64 (deterministic, not cryptographic; only drives visuals).

struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-ish value in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Value in `lo..hi` (`hi > lo`).
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo)
    }
}

// ---------------------------------------------------------------------------
// Tiny RGB canvas.

struct Canvas {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Canvas {
    fn new(w: usize, h: usize) -> Self {
        Canvas {
            w,
            h,
            px: vec![255; w * h * 3],
        }
    }

    /// Set a pixel; out-of-bounds coordinates are ignored.
    fn set(&mut self, x: i32, y: i32, c: [u8; 3]) {
        if x < 0 || y < 0 || x as usize >= self.w || y as usize >= self.h {
            return;
        }
        let i = (y as usize * self.w + x as usize) * 3;
        self.px[i..i + 3].copy_from_slice(&c);
    }

    /// Blend `c` over the pixel with opacity `a` (0..=1); ignores out-of-bounds.
    fn blend(&mut self, x: i32, y: i32, c: [u8; 3], a: f32) {
        if x < 0 || y < 0 || x as usize >= self.w || y as usize >= self.h {
            return;
        }
        let i = (y as usize * self.w + x as usize) * 3;
        for (dst, src) in self.px[i..i + 3].iter_mut().zip(c) {
            let old = *dst as f32;
            *dst = (old + (src as f32 - old) * a).round() as u8;
        }
    }

    /// Bresenham line.
    fn line(&mut self, mut x0: i32, mut y0: i32, x1: i32, y1: i32, c: [u8; 3]) {
        let dx = (x1 - x0).abs();
        let dy = -(y1 - y0).abs();
        let sx = if x0 < x1 { 1 } else { -1 };
        let sy = if y0 < y1 { 1 } else { -1 };
        let mut err = dx + dy;
        loop {
            self.set(x0, y0, c);
            if x0 == x1 && y0 == y1 {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x0 += sx;
            }
            if e2 <= dx {
                err += dx;
                y0 += sy;
            }
        }
    }

    fn encode_png(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4096);
        {
            let mut enc = png::Encoder::new(&mut out, self.w as u32, self.h as u32);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            // Writing into a Vec with a correctly sized buffer cannot fail.
            let mut writer = enc.write_header().expect("png header");
            writer.write_image_data(&self.px).expect("png data");
            writer.finish().expect("png finish");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> (u32, u32, png::ColorType, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("valid png");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("frame");
        buf.truncate(info.buffer_size());
        (info.width, info.height, info.color_type, buf)
    }

    #[test]
    fn png_signature_and_size() {
        let bytes = render_png("7KQ9", 42);
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let (w, h, ct, buf) = decode(&bytes);
        assert_eq!((w, h), (120, 40));
        assert_eq!(ct, png::ColorType::Rgb);
        assert_eq!(buf.len(), 120 * 40 * 3);
    }

    #[test]
    fn deterministic_for_same_seed() {
        assert_eq!(render_png("ACDE4", 7), render_png("ACDE4", 7));
    }

    #[test]
    fn differs_for_different_seeds() {
        assert_ne!(render_png("ACDE4", 7), render_png("ACDE4", 8));
        assert_ne!(render_png("ACDE4", 7), render_png("ACDE6", 7));
    }

    #[test]
    fn answer_only_uses_alphabet() {
        let bytes: Vec<u8> = (0..=255u8).collect();
        let a = answer_from_bytes(&bytes);
        assert_eq!(a.chars().count(), 256);
        assert!(a.bytes().all(|b| ALPHABET.contains(&b)));
        // Every alphabet char is reachable.
        assert!(ALPHABET.iter().all(|c| a.as_bytes().contains(c)));
        assert_eq!(answer_from_bytes(&[1, 2, 3, 4, 5]).len(), 5);
        assert_eq!(answer_from_bytes(&[]), "");
    }

    #[test]
    fn alphabet_has_no_lookalikes_and_glyphs_are_distinct() {
        for bad in b"0O1IL2Z5S8B" {
            assert!(!ALPHABET.contains(bad));
        }
        assert_eq!(ALPHABET.len(), GLYPHS.len());
        for (i, a) in GLYPHS.iter().enumerate() {
            assert!(a.iter().all(|r| *r < 32), "glyph {i} wider than 5");
            for b in &GLYPHS[i + 1..] {
                assert_ne!(a, b, "duplicate glyph");
            }
        }
    }

    #[test]
    fn every_alphabet_char_renders() {
        for (i, c) in ALPHABET.iter().enumerate() {
            let len = 4 + i % 3;
            let s: String = (*c as char).to_string().repeat(len);
            let blank: String = "?".repeat(len);
            let seed = i as u64;
            let (w, h, _, buf) = decode(&render_png(&s, seed));
            assert_eq!((w, h), (120, 40));
            // Unknown chars consume the same randomness but draw nothing, so
            // the difference is exactly the glyph strokes.
            let (_, _, _, empty) = decode(&render_png(&blank, seed));
            let changed = buf
                .chunks(3)
                .zip(empty.chunks(3))
                .filter(|(a, b)| a != b)
                .count();
            assert!(
                changed >= 60 * len,
                "char {} drew too little: {changed}",
                *c as char
            );
        }
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for t in [
            "",
            "A",
            "abcd",
            "0OIL",
            "乐企乐企",
            "ACDEFGHJKMNPQRTUVWXY3467",
        ] {
            for seed in [0, 1, u64::MAX] {
                let (w, h, _, _) = decode(&render_png(t, seed));
                assert_eq!((w, h), (120, 40));
            }
        }
    }
}
