use super::*;

fn lcg(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    *seed >> 33
}

#[test]
fn modes_round_trip() {
    // adaptive only
    let ids = vec![5, 17, 5, 17, 99];
    let p = encode(&ids, 100, None).unwrap();
    assert_eq!(decode(&p, 100, None, 1000).unwrap(), ids);
    // empty and one token
    for ids in [vec![], vec![0], vec![99]] {
        let p = encode(&ids, 100, None).unwrap();
        assert!(p.len() <= 3, "{} bytes for {} tokens", p.len(), ids.len());
        assert_eq!(decode(&p, 100, None, 1000).unwrap(), ids);
    }
    // with the shipped cl100k_base priors: they are needed to decode
    let priors = builtin_priors(Builtin::Cl100kBase)
        .unwrap()
        .expect("default build ships them");
    let ids = vec![9906, 11, 1917, 0, 9906, 11, 1917, 100_276, 0];
    let p = encode(&ids, 100_277, Some(priors.clone())).unwrap();
    assert_eq!(
        decode(&p, 100_277, Some(priors.clone()), 1000).unwrap(),
        ids
    );
    assert!(matches!(
        decode(&p, 100_277, None, 1000),
        Err(Error::Mismatch(_))
    ));
    // o200k priors serve o200k_harmony's larger vocabulary
    let o = builtin_priors(Builtin::O200kHarmony).unwrap().unwrap();
    let ids = vec![200_018, 201_087, 13, 200_000];
    let p = encode(&ids, 201_088, Some(o.clone())).unwrap();
    assert_eq!(decode(&p, 201_088, Some(o), 1000).unwrap(), ids);
    // IDs beyond the tokenizer: an explicit vocabulary in the payload
    let llama = vec![128_000, 9906, 128_009];
    let p = encode(&llama, 100, None).unwrap();
    assert_eq!(decode(&p, 100, None, 1000).unwrap(), llama);
    let p = encode(&llama, 100_277, Some(priors.clone())).unwrap();
    assert_eq!(decode(&p, 100_277, Some(priors), 1000).unwrap(), llama);
    let top = vec![(1 << 24) - 1, 0];
    let p = encode(&top, 100, None).unwrap();
    assert_eq!(decode(&p, 100, None, 1000).unwrap(), top);
    assert!(encode(&[1 << 24], 100, None).is_err());
}

#[test]
fn counts_are_refused_before_allocating() {
    let ids: Vec<u32> = (0..1000).map(|i| i % 50).collect();
    let p = encode(&ids, 100, None).unwrap();
    assert!(decode(&p, 100, None, 999).is_err());
    assert_eq!(decode(&p, 100, None, 1000).unwrap(), ids);
    // a count the bytes cannot justify: a few bytes naming 2^30 tokens
    let mut e = Encoder::new();
    code_mode(&mut e, 1);
    code_number(&mut e, 1 << 30, true);
    let b = e.flush();
    assert!(decode(&b, 100, None, usize::MAX).is_err());
}

#[test]
fn hostile_payloads_fail_fast() {
    let priors = builtin_priors(Builtin::Cl100kBase).unwrap();
    let mut seed = 7u64;
    let started = std::time::Instant::now();
    for round in 0..50 {
        let len = if round < 10 {
            11_000
        } else {
            1 + (lcg(&mut seed) % 3000) as usize
        };
        let data: Vec<u8> = (0..len).map(|_| lcg(&mut seed) as u8).collect();
        let p = if round % 2 == 0 { priors.clone() } else { None };
        if let Ok(ids) = decode(&data, 100_277, p, MAX_TOKENS) {
            assert!(ids.iter().all(|&t| t < (1 << 24)));
        }
    }
    assert!(
        started.elapsed().as_secs_f64() < 5.0,
        "50 hostile payloads took {:?}",
        started.elapsed()
    );
}

#[test]
fn damaged_payloads_error_or_differ() {
    let priors = builtin_priors(Builtin::Cl100kBase).unwrap();
    let ids: Vec<u32> = vec![
        9906, 11, 1917, 0, 578, 4062, 14198, 39935, 35308, 927, 279, 16053, 5679, 13,
    ];
    let p = encode(&ids, 100_277, priors.clone()).unwrap();
    for cut in 0..p.len() {
        if let Ok(d) = decode(&p[..cut], 100_277, priors.clone(), 1000) {
            assert_ne!(d, ids);
        }
    }
    let mut longer = p.clone();
    longer.push(0);
    assert!(decode(&longer, 100_277, priors.clone(), 1000).is_err());
    for i in 0..p.len() * 8 {
        let mut b = p.clone();
        b[i / 8] ^= 1 << (i % 8);
        if let Ok(d) = decode(&b, 100_277, priors.clone(), 1000) {
            assert_ne!(d, ids);
        }
    }
}

#[test]
fn priors_table() {
    for b in Builtin::ALL {
        let id = default_priors_id(b).expect("default build has every family");
        let p = builtin_priors_by_id(id).unwrap();
        assert_eq!(p.id(), Some(id));
        assert!(p.vocab_size() <= b.vocab_size());
        assert!(Arc::ptr_eq(&p, &builtin_priors(b).unwrap().unwrap()));
    }
    assert!(builtin_priors_by_id(0).is_err());
    assert!(builtin_priors_by_id(200).is_err());
    // IDs are unique
    for (i, a) in PRIORS_TABLE.iter().enumerate() {
        assert!(PRIORS_TABLE[i + 1..].iter().all(|b| b.0 != a.0));
    }
}
