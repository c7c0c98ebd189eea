//! Property tests for every parser of outside input: credit code, ID number,
//! phone, IPv4, amounts, invitation rows (also as read from an .xlsx), the
//! signed-request headers and canonical form. Whatever comes in, no panic; what
//! is accepted prints back to what parses again (round trip).

use app::api_credentials::rules::{canonical_query, canonical_string, filed_ips, ip_is_filed, SignedHeaders};
use app::kernel::AccessType;
use app::invitation::rules::{parse_row, InviteRowInput};
use app::kernel::{Amount, CreditCode, IdNumber, Ipv4, MobilePhone, Password};
use proptest::prelude::*;
use server::invite_xlsx::{failure_workbook, read_rows, ImportLimits, RawInviteRow};

const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

fn credit17() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(CREDIT_CHARS.chars().collect::<Vec<_>>()), 17).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn credit_codes_never_panic_and_round_trip(s in "\\PC{0,24}") {
        if let Ok(c) = CreditCode::parse(&s) {
            prop_assert_eq!(CreditCode::parse(c.as_str()).unwrap(), c.clone());
            prop_assert_eq!(c.as_str().len(), 18);
        }
    }

    #[test]
    fn a_credit_code_with_its_check_character_parses(first in credit17()) {
        if let Ok(c) = CreditCode::from_first17(&first) {
            prop_assert_eq!(CreditCode::parse(c.as_str()).unwrap(), c.clone());
            prop_assert!(c.as_str().starts_with(&first));
        }
    }

    #[test]
    fn id_numbers_never_panic_and_round_trip(s in "[0-9Xx\\PC]{0,20}") {
        if let Ok(i) = IdNumber::parse(&s) {
            prop_assert_eq!(IdNumber::parse(i.as_str()).unwrap(), i.clone());
            let (_, m, d) = i.birth_date();
            prop_assert!((1..=12).contains(&m) && (1..=31).contains(&d));
            prop_assert_eq!(i.masked().chars().count(), 18);
        }
    }

    #[test]
    fn generated_id_numbers_parse(first in "[1-6][0-9]{5}(19[5-9][0-9]|200[0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}") {
        let i = IdNumber::from_first17(&first).unwrap();
        prop_assert_eq!(IdNumber::parse(i.as_str()).unwrap(), i);
    }

    #[test]
    fn phones_never_panic_and_round_trip(s in "\\PC{0,14}", digits in "1[3-9][0-9]{9}") {
        if let Ok(p) = MobilePhone::parse(&s) {
            prop_assert_eq!(MobilePhone::parse(p.as_str()).unwrap(), p);
        }
        let p = MobilePhone::parse(&digits).unwrap();
        prop_assert_eq!(p.as_str(), digits.as_str());
        prop_assert_eq!(p.masked().len(), 11);
    }

    #[test]
    fn ipv4_never_panics_and_round_trips(s in "\\PC{0,20}", o in any::<[u8; 4]>()) {
        if let Ok(ip) = Ipv4::parse(&s) {
            prop_assert_eq!(Ipv4::parse(&ip.to_string()).unwrap(), ip);
        }
        let text = format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]);
        let ip = Ipv4::parse(&text).unwrap();
        prop_assert_eq!(ip.octets(), o);
        prop_assert_eq!(ip.to_string(), text.clone());
        prop_assert!(ip_is_filed(&text, &filed_ips(&text, "")));
        let mapped = format!("::ffff:{}", text);
        prop_assert!(ip_is_filed(&mapped, &filed_ips("", &text)));
    }

    #[test]
    fn amounts_never_panic_and_round_trip(s in "\\PC{0,24}", fen in 0i64..=9_000_000_000_000_000) {
        if let Ok(a) = Amount::parse(&s) {
            prop_assert_eq!(Amount::parse(&a.to_string()).unwrap(), a);
            prop_assert_eq!(Amount::parse(&a.yuan_display()).unwrap(), a);
        }
        let a = Amount::from_fen(fen).unwrap();
        prop_assert_eq!(Amount::parse(&a.to_string()).unwrap(), a);
        prop_assert_eq!(Amount::parse(&a.yuan_display()).unwrap(), a);
    }

    #[test]
    fn passwords_never_panic(s in "\\PC{0,40}") {
        if let Ok(p) = Password::parse(&s) {
            prop_assert_eq!(p.expose(), s.as_str());
        }
    }

    #[test]
    fn invitation_rows_never_panic(code in "\\PC{0,20}", name in "\\PC{0,30}", province in "\\PC{0,20}", rel in "\\PC{0,10}", pre in "\\PC{0,3}") {
        let row = InviteRowInput { credit_code: code, name, province, relationship: rel, pre_authorize: pre };
        for t in AccessType::ALL {
            let _ = parse_row(&row, t);
        }
    }

    #[test]
    fn signed_headers_never_panic(app_id in "\\PC{0,20}", ts in "\\PC{0,20}", nonce in "\\PC{0,70}", sig in "\\PC{0,50}") {
        let h = SignedHeaders::parse(|name| match name {
            "x-leqi-appid" => Some(app_id.as_str()),
            "x-leqi-timestamp" => Some(ts.as_str()),
            "x-leqi-nonce" => Some(nonce.as_str()),
            "x-leqi-signature" => Some(sig.as_str()),
            _ => None,
        });
        if let Ok(h) = h {
            prop_assert!(h.timestamp_ms >= 0);
            prop_assert!((16..=64).contains(&h.nonce.len()));
            let _ = h.check_fresh(i64::MAX);
            let _ = h.check_fresh(i64::MIN + 1);
        }
    }

    #[test]
    fn the_canonical_form_is_order_free_in_the_query_and_unambiguous(pairs in proptest::collection::vec("[a-z]{1,5}=[A-Za-z0-9%]{0,6}", 0..6), path in "/[a-z/]{0,20}", ts in any::<i64>(), nonce in "[A-Za-z0-9_-]{16,64}") {
        let forward = pairs.join("&");
        let mut reversed = pairs.clone();
        reversed.reverse();
        let backward = reversed.join("&");
        prop_assert_eq!(canonical_query(&forward), canonical_query(&backward));
        let body = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let a = canonical_string("post", &path, &forward, ts, &nonce, body);
        let b = canonical_string("POST", &path, &backward, ts, &nonce, &body.to_uppercase());
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.split('\n').count(), 6, "one field per line, no line breaks inside");
        let other = canonical_string("POST", &path, &forward, ts.wrapping_add(1), &nonce, body);
        prop_assert_ne!(a, other);
    }
}

proptest! {
    // Each case writes and reads a workbook: fewer cases.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn xlsx_rows_round_trip_through_a_workbook(rows in proptest::collection::vec(("[0-9A-Z]{0,18}", "[\\u4e00-\\u9fa5A-Za-z（）]{0,20}", "[\\u4e00-\\u9fa5]{0,12}", "[\\u4e00-\\u9fa5]{0,6}", "(是|否)?"), 1..20)) {
        let raw: Vec<(RawInviteRow, String)> = rows
            .iter()
            .enumerate()
            .map(|(i, (c, n, p, r, a))| (RawInviteRow { row_no: i as u32 + 2, credit_code: c.clone(), name: n.clone(), province: p.clone(), relationship: r.clone(), pre_authorize: a.clone(), remark: String::new() }, "x".to_string()))
            .collect();
        let bytes = failure_workbook(&raw);
        // Whatever the cells hold, reading never panics.
        let _ = read_rows(&bytes, &ImportLimits::default());
    }

    #[test]
    fn arbitrary_bytes_as_an_xlsx_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096), zip_head in any::<bool>()) {
        let mut b = bytes;
        if zip_head {
            let mut z = b"PK\x03\x04".to_vec();
            z.extend(b);
            b = z;
        }
        // Random bytes are never a workbook with rows; they are refused, without a panic.
        prop_assert!(read_rows(&b, &ImportLimits::default()).map(|r| r.is_empty()).unwrap_or(true));
    }
}
