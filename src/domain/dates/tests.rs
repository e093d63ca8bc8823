mod examples {
    use super::super::*;

    fn d(s: &str) -> NaiveDate {
        from_iso(s).unwrap()
    }

    const AS_OF: &str = "2026-11-30";

    /// Each input reads, as of `AS_OF`, as a period due that day at that precision.
    fn assert_reads(cases: &[(&str, &str, Precision)]) {
        let as_of = d(AS_OF);
        for (input, due, precision) in cases {
            let got = parse(input, as_of).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(
                (iso(got.end), got.precision),
                (due.to_string(), *precision),
                "{input}"
            );
        }
    }

    /// Each input is refused, as of `AS_OF`, with a reason that says this.
    fn assert_refuses(cases: &[(&str, &str)]) {
        for (input, reason) in cases {
            let err = parse(input, d(AS_OF)).expect_err(input);
            assert!(err.contains(reason), "{input}: {err}");
        }
    }

    #[test]
    fn accepted_forms() {
        use Precision::*;
        let cases: &[(&str, &str, Precision)] = &[
            ("2026-09-30", "2026-09-30", Day),
            ("  2026-09-30 ", "2026-09-30", Day),
            ("2024-02-29", "2024-02-29", Day),
            ("2026-09", "2026-09-30", Month),
            ("2026-02", "2026-02-28", Month),
            ("September 2026", "2026-09-30", Month),
            ("september 2026", "2026-09-30", Month),
            ("Sep 2026", "2026-09-30", Month),
            ("Sept 2026", "2026-09-30", Month),
            ("by September 2026", "2026-09-30", Month),
            ("30 September 2026", "2026-09-30", Day),
            ("September 30, 2026", "2026-09-30", Day),
            ("2026-Q3", "2026-09-30", Quarter),
            ("2026-q1", "2026-03-31", Quarter),
            ("Q4 2026", "2026-12-31", Quarter),
            ("2026", "2026-12-31", Year),
            ("أيلول 2026", "2026-09-30", Month),
            ("ايلول 2026", "2026-09-30", Month),
            ("شهر أيلول 2026", "2026-09-30", Month),
            ("أيلول/ سبتمبر 2026", "2026-09-30", Month),
            ("سبتمبر 2026", "2026-09-30", Month),
            ("تشرين الأول 2026", "2026-10-31", Month),
            ("تشرين الثاني 2025", "2025-11-30", Month),
            ("كانون الثاني 2027", "2027-01-31", Month),
            ("كانون الأول 2026", "2026-12-31", Month),
            ("آذار 2026", "2026-03-31", Month),
            ("آب 2026", "2026-08-31", Month),
            ("شباط ٢٠٢٨", "2028-02-29", Month),
            ("أيلول ٢٠٢٦", "2026-09-30", Month),
            ("٢٠٢٦", "2026-12-31", Year),
            ("٢٠٢٦-٠٩-٣٠", "2026-09-30", Day),
            ("۲۰۲۶-۰۹", "2026-09-30", Month),
            ("يناير 2027", "2027-01-31", Month),
            ("أغسطس 2026", "2026-08-31", Month),
            ("today", "2026-11-30", Day),
            ("Today", "2026-11-30", Day),
            ("tomorrow", "2026-12-01", Day),
            ("yesterday", "2026-11-29", Day),
            ("+30d", "2026-12-30", Day),
            ("+2w", "2026-12-14", Day),
            ("+3m", "2027-02-28", Day),
            ("+1y", "2027-11-30", Day),
            ("-7d", "2026-11-23", Day),
            // Without a year: the next such month, this one included.
            ("تشرين الأول", "2027-10-31", Month),
            ("November", "2026-11-30", Month),
            ("December", "2026-12-31", Month),
            ("next November", "2027-11-30", Month),
            ("أيلول المقبل", "2027-09-30", Month),
        ];
        assert_reads(cases);
    }

    /// The forms of real reporting (issue 13), as of Monday 2026-11-30.
    #[test]
    fn forms_of_real_reporting() {
        use Precision::*;
        let cases: &[(&str, &str, Precision)] = &[
            // Counted from the anchor.
            ("next month", "2026-12-31", Month),
            ("the coming month", "2026-12-31", Month),
            ("الشهر المقبل", "2026-12-31", Month),
            ("الشهر القادم", "2026-12-31", Month),
            ("this month", "2026-11-30", Month),
            ("next year", "2027-12-31", Year),
            ("by next year", "2027-12-31", Year),
            ("العام المقبل", "2027-12-31", Year),
            ("العام القادم", "2027-12-31", Year),
            ("السنة المقبلة", "2027-12-31", Year),
            ("this year", "2026-12-31", Year),
            ("هذا العام", "2026-12-31", Year),
            ("العام الحالي", "2026-12-31", Year),
            ("next quarter", "2027-03-31", Quarter),
            ("الربع المقبل", "2027-03-31", Quarter),
            ("this quarter", "2026-12-31", Quarter),
            ("within two weeks", "2026-12-14", Day),
            ("within 30 days", "2026-12-30", Day),
            ("within a month", "2026-12-30", Day),
            ("in two weeks", "2026-12-14", Day),
            ("خلال أسبوعين", "2026-12-14", Day),
            ("في غضون شهر", "2026-12-30", Day),
            ("خلال شهرين", "2027-01-30", Day),
            ("خلال ثلاثة أشهر", "2027-02-28", Day),
            ("خلال 3 أشهر", "2027-02-28", Day),
            ("خلال عشرة أيام", "2026-12-10", Day),
            ("خلال 11 شهر", "2027-10-30", Day),
            ("خلال عامين", "2028-11-30", Day),
            ("next Monday", "2026-12-07", Day),
            ("next Thursday", "2026-12-03", Day),
            ("الاثنين المقبل", "2026-12-07", Day),
            ("الخميس القادم", "2026-12-03", Day),
            // Years and months with their words.
            ("in 2026", "2026-12-31", Year),
            ("عام 2026", "2026-12-31", Year),
            ("سنة 2026", "2026-12-31", Year),
            ("العام 2026", "2026-12-31", Year),
            ("في عام 2026", "2026-12-31", Year),
            ("شهر أيلول", "2027-09-30", Month),
            ("أيلول من عام 2026", "2026-09-30", Month),
            ("في أيلول 2026", "2026-09-30", Month),
            ("خلال أيلول", "2027-09-30", Month),
            ("أيلول الماضي", "2026-09-30", Month),
            ("last November", "2025-11-30", Month),
            ("تشرين الثاني الجاري", "2026-11-30", Month),
            // Day dates as written.
            ("September 30th, 2026", "2026-09-30", Day),
            ("1st March 2027", "2027-03-01", Day),
            ("Sept. 30", "2027-09-30", Day),
            ("30 أيلول 2026", "2026-09-30", Day),
            ("25 من شباط 2026", "2026-02-25", Day),
            ("الخميس 26 شباط 2026", "2026-02-26", Day),
            ("Thursday, 26 February 2026", "2026-02-26", Day),
            ("30/09/2026", "2026-09-30", Day),
            ("30-09-2026", "2026-09-30", Day),
            ("30.09.2026", "2026-09-30", Day),
            ("1/2/2027", "2027-02-01", Day),
            ("٣٠/٠٩/٢٠٢٦", "2026-09-30", Day),
            ("2026/09/30", "2026-09-30", Day),
            ("2026.09.30", "2026-09-30", Day),
            ("20260930", "2026-09-30", Day),
            // Month names in every tradition.
            ("تشرين أول 2026", "2026-10-31", Month),
            ("تشرين ثاني 2026", "2026-11-30", Month),
            ("كانون ثاني 2027", "2027-01-31", Month),
            ("كانون أول 2026", "2026-12-31", Month),
            ("يونيه 2027", "2027-06-30", Month),
            ("يوليه 2027", "2027-07-31", Month),
            ("سيبتمبر 2027", "2027-09-30", Month),
            ("جانفي 2027", "2027-01-31", Month),
            ("فيفري 2027", "2027-02-28", Month),
            ("أفريل 2027", "2027-04-30", Month),
            ("ماي 2027", "2027-05-31", Month),
            ("جوان 2027", "2027-06-30", Month),
            ("جويلية 2027", "2027-07-31", Month),
            ("أوت 2027", "2027-08-31", Month),
            ("يوليوز 2027", "2027-07-31", Month),
            ("غشت 2027", "2027-08-31", Month),
            ("شتنبر 2027", "2027-09-30", Month),
            ("نونبر 2027", "2027-11-30", Month),
            ("دجنبر 2027", "2027-12-31", Month),
            ("أغشت 2027", "2027-08-31", Month),
            ("شتمبر 2027", "2027-09-30", Month),
            ("دجمبر 2027", "2027-12-31", Month),
            // Persian and Urdu letters (ی, ک, ہ) as Iraqi and Gulf keyboards type them.
            ("تشرین الأول 2026", "2026-10-31", Month),
            ("کانون الثانی 2027", "2027-01-31", Month),
        ];
        assert_reads(cases);
    }

    /// Parts of a period, half years and Hijri dates, as of Monday 2026-11-30
    /// (20 Jumada al-Akhirah 1448 AH).
    #[test]
    fn parts_halves_and_hijri_dates() {
        use Precision::*;
        let cases: &[(&str, &str, Precision)] = &[
            // Parts: early = days 1-10 or January-April, mid = days 11-20 or
            // May-August, late = day 21 on or September-December.
            ("end of 2026", "2026-12-31", LateYear),
            ("late 2026", "2026-12-31", LateYear),
            ("نهاية العام", "2026-12-31", LateYear),
            ("نهاية العام المقبل", "2027-12-31", LateYear),
            ("end of next year", "2027-12-31", LateYear),
            ("أواخر العام الماضي", "2025-12-31", LateYear),
            ("منتصف 2026", "2026-08-31", MidYear),
            ("mid-2026", "2026-08-31", MidYear),
            ("by mid-2027", "2027-08-31", MidYear),
            ("the middle of 2027", "2027-08-31", MidYear),
            ("مطلع العام المقبل", "2027-04-30", EarlyYear),
            ("بداية 2027", "2027-04-30", EarlyYear),
            ("in early 2027", "2027-04-30", EarlyYear),
            ("early September 2026", "2026-09-10", EarlyMonth),
            ("أوائل تشرين الأول 2026", "2026-10-10", EarlyMonth),
            ("mid-September 2026", "2026-09-20", MidMonth),
            ("منتصف الشهر المقبل", "2026-12-20", MidMonth),
            ("أواسط أيار 2027", "2027-05-20", MidMonth),
            ("أواخر أيلول", "2027-09-30", LateMonth),
            ("أواخر أيلول 2026", "2026-09-30", LateMonth),
            ("late February 2028", "2028-02-29", LateMonth),
            ("نهاية الشهر", "2026-11-30", LateMonth),
            ("the end of the month", "2026-11-30", LateMonth),
            ("في نهاية شهر كانون الأول", "2026-12-31", LateMonth),
            ("early Q1 2027", "2027-01-31", Month),
            ("late Q3 2026", "2026-09-30", Month),
            // "By the end of X" is X, due at its end.
            ("by the end of 2026", "2026-12-31", Year),
            ("by the end of next year", "2027-12-31", Year),
            ("by the end of September", "2027-09-30", Month),
            ("by the end of September 2026", "2026-09-30", Month),
            ("بحلول نهاية العام", "2026-12-31", Year),
            ("قبل نهاية العام المقبل", "2027-12-31", Year),
            ("حتى نهاية أيلول 2026", "2026-09-30", Month),
            ("بحلول نهاية شهر أيلول 2026", "2026-09-30", Month),
            ("by the end of the first half of 2027", "2027-06-30", Half),
            // Half years.
            ("H1 2026", "2026-06-30", Half),
            ("h2 2026", "2026-12-31", Half),
            ("2026-H1", "2026-06-30", Half),
            ("first half of 2026", "2026-06-30", Half),
            ("the second half of next year", "2027-12-31", Half),
            ("النصف الأول من 2026", "2026-06-30", Half),
            ("النصف الثاني من العام المقبل", "2027-12-31", Half),
            ("النصف الأول من العام", "2026-06-30", Half),
            ("خلال النصف الثاني من عام 2027", "2027-12-31", Half),
            // Quarters by their place in a year.
            ("the first quarter of 2027", "2027-03-31", Quarter),
            ("in the first quarter of 2027", "2027-03-31", Quarter),
            (
                "by the end of the third quarter of 2027",
                "2027-09-30",
                Quarter,
            ),
            ("the last quarter of next year", "2027-12-31", Quarter),
            ("الربع الأول من 2027", "2027-03-31", Quarter),
            ("الربع الثالث من عام 2027", "2027-09-30", Quarter),
            ("في الربع الأخير من العام المقبل", "2027-12-31", Quarter),
            // Spans said with "next".
            ("within the next two months", "2027-01-30", Day),
            ("in the next three weeks", "2026-12-21", Day),
            ("خلال الشهرين المقبلين", "2027-01-30", Day),
            ("خلال الأسبوعين المقبلين", "2026-12-14", Day),
            ("خلال الأشهر الثلاثة المقبلة", "2027-02-28", Day),
            ("في غضون الأيام العشرة المقبلة", "2026-12-10", Day),
            // ISO weeks, Monday to Sunday.
            ("next week", "2026-12-13", Week),
            ("the coming week", "2026-12-13", Week),
            ("الأسبوع المقبل", "2026-12-13", Week),
            ("الأسبوع القادم", "2026-12-13", Week),
            ("this week", "2026-12-06", Week),
            ("الأسبوع الجاري", "2026-12-06", Week),
            ("last week", "2026-11-29", Week),
            ("by the end of next week", "2026-12-13", Week),
            ("بحلول نهاية الأسبوع المقبل", "2026-12-13", Week),
            ("2026-W49", "2026-12-06", Week),
            ("2026-W53", "2027-01-03", Week),
            ("2027-w01", "2027-01-10", Week),
            // The last period before the anchor's.
            ("last year", "2025-12-31", Year),
            ("العام الماضي", "2025-12-31", Year),
            ("السنة الماضية", "2025-12-31", Year),
            ("الشهر الماضي", "2026-10-31", Month),
            ("last Monday", "2026-11-23", Day),
            ("الخميس الماضي", "2026-11-26", Day),
            // Hijri (Umm al-Qura).
            ("رمضان 1448 هـ", "2027-03-08", HijriMonth),
            ("رمضان 1448هـ", "2027-03-08", HijriMonth),
            ("شهر رمضان من عام 1448 هـ", "2027-03-08", HijriMonth),
            ("Ramadan 1448 AH", "2027-03-08", HijriMonth),
            ("رمضان المقبل", "2027-03-08", HijriMonth),
            ("شوال 1447", "2026-04-17", HijriMonth),
            ("ذو الحجة 1447 هـ", "2026-06-15", HijriMonth),
            ("Dhu al-Hijjah 1447 AH", "2026-06-15", HijriMonth),
            ("جمادى الآخرة الجاري", "2026-12-09", HijriMonth),
            ("1448 هـ", "2027-06-05", HijriYear),
            ("1448هـ", "2027-06-05", HijriYear),
            ("عام 1448 هجري", "2027-06-05", HijriYear),
            ("1448 AH", "2027-06-05", HijriYear),
            ("14-09-1447 هـ", "2026-03-03", Day),
            ("14/9/1447 هـ", "2026-03-03", Day),
            ("1447/09/14 هـ", "2026-03-03", Day),
            ("14 رمضان 1447 هـ", "2026-03-03", Day),
            ("بحلول نهاية رمضان 1448 هـ", "2027-03-08", HijriMonth),
        ];
        assert_reads(cases);
    }

    /// What the grammar cannot read for certain is refused, saying why.
    #[test]
    fn forms_refused_rather_than_guessed() {
        let cases: &[(&str, &str)] = &[
            ("09/30/2026", "day/month/year"),
            ("12.31.2026", "day.month.year"),
            (
                "الخميس 25 شباط 2026",
                "2026-02-25 is a Wednesday, not a Thursday",
            ),
            ("الخميس شباط 2026", "a weekday goes with a day"),
            ("2025-W53", "week 53 of 2025 does not exist"),
            (
                "نهاية الأسبوع",
                "divide a month, a quarter or a year, and 2026-W49 is none",
            ),
            ("this Monday", "say next Monday"),
            (
                "أيلول الجاري",
                "September is not the current month (Nov 2026)",
            ),
            ("أيلول الماضي 2026", "not both"),
            ("within months", "not a date"),
            ("خلال ثلاثة شهرين", "not a date"),
            ("2026/13/01", "month 13 does not exist"),
            ("31/04/2026", "April 2026 has only 30 days"),
            ("20261301", "month 13 does not exist"),
            (
                "end of H1 2026",
                "divide a month, a quarter or a year, and 2026-H1 is none",
            ),
            ("أواخر رمضان 1448 هـ", "divide a month, a quarter or a year"),
            (
                "first half of September 2026",
                "a half divides a year, and Sep 2026 is not one",
            ),
            ("2026-H3", "half 3 does not exist"),
            ("أواخر", "say of what"),
            ("early soon", "after \"early\": not a date"),
            ("منتصف الأسبوع المقبل", "2026-W50 is none"),
            (
                "رمضان 1600 هـ",
                "outside the Umm al-Qura tables (1356 to 1500 AH)",
            ),
            ("30 رمضان 1448 هـ", "Ramadan 1448 AH has 29 days"),
            ("14-13-1447 هـ", "Hijri month 13 does not exist"),
            ("سبتمبر 1448 هـ", "not a Hijri month: سبتمبر"),
            ("رمضان المقبل 1448", "not both"),
            (
                "شعبان الجاري",
                "Shaban is not the current Hijri month (Jumada al-Akhirah)",
            ),
        ];
        assert_refuses(cases);
    }

    #[test]
    fn next_month_name_is_relative_to_as_of() {
        let got = parse("أيلول/ سبتمبر المقبل", d("2025-08-15")).unwrap();
        assert_eq!(iso(got.end), "2025-09-30");
        assert_eq!(got.start, d("2025-09-01"));
    }

    #[test]
    fn rejected_forms_say_why() {
        let cases: &[(&str, &str)] = &[
            ("2026-02-30", "February 2026 has only 28 days"),
            ("2025-02-29", "February 2025 has only 28 days"),
            ("2026-04-31", "April 2026 has only 30 days"),
            ("2026-13", "month 13 does not exist"),
            ("2026-13-01", "month 13 does not exist"),
            ("2026-00-10", "month 0 does not exist"),
            ("2026-01-00", "day 0 does not exist"),
            ("2026-Q5", "quarter 5 does not exist"),
            ("26-09-30", "four digits"),
            ("", "empty date"),
            ("soon", "not a date"),
            ("Septembre 2026", "not a date"),
            ("+30x", "unknown unit"),
            ("+d", "expected a number"),
            ("next September 2026", "not both"),
            ("31 September 2026", "September 2026 has only 30 days"),
        ];
        assert_refuses(cases);
    }

    #[test]
    fn parse_day_refuses_periods() {
        assert_eq!(parse_day("2026-09-30", d(AS_OF)).unwrap(), d("2026-09-30"));
        let err = parse_day("2026-09", d(AS_OF)).unwrap_err();
        assert!(
            err.contains("names a period (Sep 2026), not a day"),
            "{err}"
        );
    }

    #[test]
    fn display_by_precision() {
        let due = d("2026-09-30");
        assert_eq!(display(due, Precision::Day), "2026-09-30");
        assert_eq!(display(due, Precision::Month), "Sep 2026");
        assert_eq!(display(due, Precision::Quarter), "2026-Q3");
        assert_eq!(display(due, Precision::Year), "2026");
    }

    #[test]
    fn spans() {
        let from = d(AS_OF);
        assert_eq!(span_end("30d", from).unwrap(), d("2026-12-30"));
        assert_eq!(span_end("30", from).unwrap(), d("2026-12-30"));
        assert_eq!(span_end("2w", from).unwrap(), d("2026-12-14"));
        assert_eq!(span_end("+1m", from).unwrap(), d("2026-12-30"));
        assert!(span_end("soon", from).is_err());
    }
}

mod properties {
    use super::super::*;
    use proptest::prelude::*;

    fn precision() -> impl Strategy<Value = Precision> {
        proptest::sample::select(Precision::ALL)
    }

    proptest! {
        #[test]
        fn never_panics(input in "\\PC{0,40}") {
            let _ = parse(&input, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
            let _ = span_end(&input, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        }

        #[test]
        fn never_panics_on_date_like_input(input in "[-+0-9QqSsep ٠-٩أيلول]{0,16}") {
            let _ = parse(&input, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        }

        /// Every precision displays and parses back to the same period.
        #[test]
        fn display_parses_back(days in 0i64..200 * 366, precision in precision()) {
            let day = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
            let as_of = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
            let period = match Period::of(day, precision) {
                Ok(period) => period,
                // Hijri periods exist only within the Umm al-Qura tables.
                Err(e) => {
                    prop_assert!(e.contains("Umm al-Qura"), "{}", e);
                    return Ok(());
                }
            };
            prop_assert_eq!(period.precision, precision);
            prop_assert!(period.start <= period.end);
            let shown = display(period.end, precision);
            let again = parse(&shown, as_of).map_err(|e| TestCaseError::fail(format!("{shown}: {e}")))?;
            prop_assert_eq!(again, period, "{}", shown);
            prop_assert_eq!(display(period.start, precision), shown);
        }
    }
}
