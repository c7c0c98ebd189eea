//! The application pack's sample values that are not valid
//! (application-materials-sample.md: "Its sample values are illustrative and not all valid").
//! Each is refused by the domain type that takes it, with the message the pages show.

#[cfg(test)]
mod tests {
    use crate::kernel::taxpayer_number::TaxpayerNumber;
    use crate::kernel::{CreditCode, CreditCodeError, IdNumber, IdNumberError, Ipv4};

    /// 接入信息表, 服务协议书, 授权委托书, 网络地址备案表: 直连单位统一社会信用代码.
    #[test]
    fn sample_credit_code_9161252lq1136652jr_is_refused() {
        assert_eq!(CreditCode::parse("9161252LQ1136652JR"), Err(CreditCodeError::RegionNotDigits));
        assert_eq!(CreditCodeError::RegionNotDigits.to_string(), "统一社会信用代码第3至8位（行政区划码）应为数字");
        assert!(TaxpayerNumber::parse("9161252LQ1136652JR").is_err());
    }

    /// 接入信息表, 授权委托书: 被授权单位统一社会信用代码 (Z is not in the GB 32100 alphabet).
    #[test]
    fn sample_credit_code_916155zl22511194lq_is_refused() {
        assert_eq!(CreditCode::parse("916155ZL22511194LQ"), Err(CreditCodeError::InvalidChar { pos: 7, ch: 'Z' }));
        assert!(TaxpayerNumber::parse("916155ZL22511194LQ").is_err());
    }

    /// 网络地址备案表, 固定IP专属使用证明: 测试环境 IP (661 and 910 are not octets).
    #[test]
    fn sample_ip_10_90_661_910_is_refused() {
        assert!(Ipv4::parse("10.90.661.910").is_err());
        assert!(Ipv4::parse("10.90.661.911").is_err());
        assert!(Ipv4::parse("10.90.66.91").is_ok(), "a well-formed address still parses");
    }

    /// 服务协议书: 法定代表人居民身份证号码 (birth date 1980-25-99).
    #[test]
    fn sample_id_315268198025995201_is_refused() {
        assert_eq!(IdNumber::parse("315268198025995201"), Err(IdNumberError::InvalidBirthDate));
        assert!(TaxpayerNumber::parse("315268198025995201").is_err(), "nor is it a credit code");
    }
}
