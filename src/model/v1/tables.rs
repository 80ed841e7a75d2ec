//! Integer lookup tables, all computed by `const fn` (bit-exact everywhere).

const SQ_PTS: [i32; 33] = [
    1, 2, 3, 6, 10, 16, 27, 45, 73, 120, 194, 310, 488, 747, 1101, 1546, 2047, 2549, 2994, 3348,
    3607, 3785, 3901, 3975, 4024, 4050, 4068, 4079, 4085, 4089, 4092, 4093, 4094,
];

const fn squash_calc(d: i32) -> i32 {
    if d > 2047 {
        return 4095;
    }
    if d < -2047 {
        return 1;
    }
    let w = d & 127;
    let i = ((d >> 7) + 16) as usize;
    (SQ_PTS[i] * (128 - w) + SQ_PTS[i + 1] * w + 64) >> 7
}

const fn build_squash() -> [u16; 4096] {
    let mut t = [0u16; 4096];
    let mut i = 0;
    while i < 4096 {
        t[i] = squash_calc(i as i32 - 2048) as u16;
        i += 1;
    }
    t
}

const fn build_stretch() -> [i16; 4096] {
    let mut t = [0i16; 4096];
    let mut pi = 0usize;
    let mut x = -2047i32;
    while x <= 2047 {
        let v = squash_calc(x) as usize;
        let mut j = pi;
        while j <= v {
            t[j] = x as i16;
            j += 1;
        }
        if v + 1 > pi {
            pi = v + 1;
        }
        x += 1;
    }
    while pi < 4096 {
        t[pi] = 2047;
        pi += 1;
    }
    t
}

/// Cost in 1/256 bit of coding an event of probability p/4096, p in 0..4096.
const fn build_cost() -> [u32; 4097] {
    let mut t = [0u32; 4097];
    let mut p = 1;
    while p <= 4096 {
        // -log2(p/4096) = 12 - log2(p)
        let l = log2_fixed(p as u64);
        t[p] = (((12u64 << 16) - l as u64) >> 8) as u32;
        p += 1;
    }
    t[0] = 12 * 256 + 256;
    t
}

pub(crate) static SQUASH: [u16; 4096] = build_squash();
pub(crate) static STRETCH: [i16; 4096] = build_stretch();
pub(crate) static COST: [u32; 4097] = build_cost();

/// Logistic function: stretch domain (-2047..2047, units 1/256 nat) -> probability 1..4095 (of 4096).
#[inline(always)]
pub(crate) fn squash(d: i32) -> u32 {
    let d = d.clamp(-2047, 2047);
    SQUASH[(d + 2048) as usize] as u32
}

#[inline(always)]
pub(crate) fn stretch(p: u32) -> i32 {
    STRETCH[p as usize & 4095] as i32
}

/// log2(x) in 1/65536 units (x >= 1): the same integer table as the current coder's.
pub(crate) use crate::model::coder::log2_fixed;

/// 256 * ln(x), x >= 1.
#[inline(always)]
pub(crate) fn ln256(x: u64) -> i32 {
    ((log2_fixed(x) as u64 * 11_629_038) >> 32) as i32
}
