//! How counts and sizes are written, the same in the table, the report and the playground.

/// 1234567 -> "1,234,567" (the report and the playground print counts this way).
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 1024 -> "1 KiB", 1536 -> "1.5 KiB", 100 -> "100 B".
pub fn human_size(n: u64) -> String {
    let (v, unit) = if n >= 1 << 20 {
        (n as f64 / (1u64 << 20) as f64, "MiB")
    } else if n >= 1 << 10 {
        (n as f64 / 1024.0, "KiB")
    } else {
        return format!("{n} B");
    };
    if v.fract() == 0.0 {
        format!("{v} {unit}")
    } else {
        format!("{v:.1} {unit}")
    }
}

/// Bytes in MiB.
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 20) as f64
}
