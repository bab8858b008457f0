//! Cultures for number and date formatting and parsing: one row per locale, .NET's data for it.
//!
//! The runtime formats with `en-US` when no locale is given. Only the rows below are known;
//! another locale is an error rather than a silent fallback (UNCERTAIN: which locales flows use
//! in practice; add a row to support one).

/// What formatting needs to know about one culture.
#[derive(Debug)]
pub(crate) struct Culture {
    /// Lowercase, as looked up (`""` is the invariant culture).
    pub name: &'static str,
    pub decimal: &'static str,
    pub group: &'static str,
    pub currency: &'static str,
    /// .NET `CurrencyPositivePattern`: 0 `$n`, 1 `n$`, 2 `$ n`, 3 `n $`.
    pub currency_positive: u8,
    /// .NET `CurrencyNegativePattern` (the few used): 0 `($n)`, 1 `-$n`, 5 `-n$`, 8 `-n $`,
    /// 9 `-$ n`, 12 `$ -n`.
    pub currency_negative: u8,
    /// .NET `PercentPositivePattern`: 0 `n %`, 1 `n%`.
    pub percent_positive: u8,
    pub months: [&'static str; 12],
    pub months_abbr: [&'static str; 12],
    pub days: [&'static str; 7],
    pub days_abbr: [&'static str; 7],
    pub am: &'static str,
    pub pm: &'static str,
    pub date_separator: &'static str,
    pub time_separator: &'static str,
    /// Standard date patterns: `d`, `D`, `t`, `T`, `M`, `Y`.
    pub short_date: &'static str,
    pub long_date: &'static str,
    pub short_time: &'static str,
    pub long_time: &'static str,
    pub month_day: &'static str,
    pub year_month: &'static str,
}

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const EN_MONTHS_ABBR: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const EN_DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const EN_DAYS_ABBR: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const INVARIANT: Culture = Culture {
    name: "",
    decimal: ".",
    group: ",",
    currency: "¤",
    currency_positive: 0,
    currency_negative: 0,
    percent_positive: 0,
    months: EN_MONTHS,
    months_abbr: EN_MONTHS_ABBR,
    days: EN_DAYS,
    days_abbr: EN_DAYS_ABBR,
    am: "AM",
    pm: "PM",
    date_separator: "/",
    time_separator: ":",
    short_date: "MM/dd/yyyy",
    long_date: "dddd, dd MMMM yyyy",
    short_time: "HH:mm",
    long_time: "HH:mm:ss",
    month_day: "MMMM dd",
    year_month: "yyyy MMMM",
};

const EN_US: Culture = Culture {
    name: "en-us",
    currency: "$",
    currency_negative: 1,
    percent_positive: 1,
    short_date: "M/d/yyyy",
    long_date: "dddd, MMMM d, yyyy",
    short_time: "h:mm tt",
    long_time: "h:mm:ss tt",
    month_day: "MMMM d",
    year_month: "MMMM yyyy",
    ..INVARIANT
};

/// A culture whose formats follow the European layout (`n €`, `-n €`, `n %`, 24-hour times).
const EUROPEAN: Culture = Culture {
    name: "",
    decimal: ",",
    group: ".",
    currency: "€",
    currency_positive: 3,
    currency_negative: 8,
    percent_positive: 0,
    am: "",
    pm: "",
    short_date: "dd/MM/yyyy",
    long_date: "dddd d MMMM yyyy",
    short_time: "HH:mm",
    long_time: "HH:mm:ss",
    month_day: "d MMMM",
    year_month: "MMMM yyyy",
    ..INVARIANT
};

/// Data from .NET on ICU (CLDR) for each culture.
const CULTURES: &[Culture] = &[
    INVARIANT,
    EN_US,
    Culture {
        name: "en-gb",
        currency: "£",
        currency_negative: 1,
        percent_positive: 1,
        am: "am",
        pm: "pm",
        short_date: "dd/MM/yyyy",
        long_date: "dddd, d MMMM yyyy",
        short_time: "HH:mm",
        long_time: "HH:mm:ss",
        month_day: "d MMMM",
        year_month: "MMMM yyyy",
        ..INVARIANT
    },
    Culture {
        name: "de-de",
        months: [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
        months_abbr: ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."],
        days: ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
        days_abbr: ["So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."],
        date_separator: ".",
        short_date: "dd.MM.yyyy",
        long_date: "dddd, d. MMMM yyyy",
        month_day: "d. MMMM",
        ..EUROPEAN
    },
    Culture {
        name: "fr-fr",
        group: "\u{202f}",
        months: [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        months_abbr: [
            "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.",
        ],
        days: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        days_abbr: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        ..EUROPEAN
    },
    Culture {
        name: "es-es",
        months: [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ],
        months_abbr: ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"],
        days: ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
        days_abbr: ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"],
        am: "a. m.",
        pm: "p. m.",
        long_date: "dddd, d 'de' MMMM 'de' yyyy",
        short_time: "H:mm",
        long_time: "H:mm:ss",
        month_day: "d 'de' MMMM",
        year_month: "MMMM 'de' yyyy",
        ..EUROPEAN
    },
    Culture {
        name: "it-it",
        months: [
            "gennaio",
            "febbraio",
            "marzo",
            "aprile",
            "maggio",
            "giugno",
            "luglio",
            "agosto",
            "settembre",
            "ottobre",
            "novembre",
            "dicembre",
        ],
        months_abbr: ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"],
        days: ["domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"],
        days_abbr: ["dom", "lun", "mar", "mer", "gio", "ven", "sab"],
        ..EUROPEAN
    },
    Culture {
        name: "nl-nl",
        currency_positive: 2,
        currency_negative: 12,
        months: [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
        months_abbr: ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
        days: ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
        days_abbr: ["zo", "ma", "di", "wo", "do", "vr", "za"],
        date_separator: "-",
        short_date: "d-M-yyyy",
        ..EUROPEAN
    },
    Culture {
        name: "pt-br",
        currency: "R$",
        currency_positive: 2,
        currency_negative: 9,
        months: [
            "janeiro",
            "fevereiro",
            "março",
            "abril",
            "maio",
            "junho",
            "julho",
            "agosto",
            "setembro",
            "outubro",
            "novembro",
            "dezembro",
        ],
        months_abbr: ["jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"],
        days: ["domingo", "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado"],
        days_abbr: ["dom", "seg", "ter", "qua", "qui", "sex", "sáb"],
        long_date: "dddd, d 'de' MMMM 'de' yyyy",
        month_day: "d 'de' MMMM",
        year_month: "MMMM 'de' yyyy",
        ..EUROPEAN
    },
    // UNCERTAIN: the reference documents "17,35 kr" for C2 in is-IS; .NET on ICU writes "kr."
    // (CLDR). The documented form is kept.
    Culture {
        name: "is-is",
        currency: "kr",
        months: [
            "janúar",
            "febrúar",
            "mars",
            "apríl",
            "maí",
            "júní",
            "júlí",
            "ágúst",
            "september",
            "október",
            "nóvember",
            "desember",
        ],
        months_abbr: ["jan.", "feb.", "mar.", "apr.", "maí", "jún.", "júl.", "ágú.", "sep.", "okt.", "nóv.", "des."],
        days: ["sunnudagur", "mánudagur", "þriðjudagur", "miðvikudagur", "fimmtudagur", "föstudagur", "laugardagur"],
        days_abbr: ["sun.", "mán.", "þri.", "mið.", "fim.", "fös.", "lau."],
        date_separator: ".",
        short_date: "d.M.yyyy",
        long_date: "dddd, d. MMMM yyyy",
        month_day: "d. MMMM",
        ..EUROPEAN
    },
];

/// The culture for a locale argument (case-insensitive; none means `en-US`).
pub(crate) fn find(locale: Option<&str>) -> Result<&'static Culture, String> {
    let Some(locale) = locale else { return Ok(&EN_US) };
    let wanted = locale.to_ascii_lowercase().replace('_', "-");
    CULTURES.iter().find(|c| c.name == wanted).ok_or_else(|| {
        let known: Vec<&str> = CULTURES.iter().map(|c| c.name).filter(|n| !n.is_empty()).collect();
        format!("the locale '{locale}' is not supported (known: {})", known.join(", "))
    })
}

impl Culture {
    /// Parses a number written in this culture as .NET's `double.Parse` with
    /// `NumberStyles.Any` does: a leading or trailing sign, group separators anywhere in the
    /// integer part, one decimal separator, an exponent.
    pub(crate) fn parse_number(&self, text: &str) -> Option<f64> {
        let mut rest = text.trim();
        let mut negative = false;
        if let Some(stripped) = rest.strip_prefix(['-', '+']) {
            negative = rest.starts_with('-');
            rest = stripped.trim_start();
        } else if let Some(stripped) = rest.strip_suffix(['-', '+']) {
            negative = rest.ends_with('-');
            rest = stripped.trim_end();
        }
        let (int, frac) = match rest.split_once(self.decimal) {
            Some((int, frac)) => (int, frac),
            None => (rest, ""),
        };
        let (frac, exponent) = match frac.find(['e', 'E']) {
            Some(e) => (frac.get(..e)?, Some(frac.get(e + 1..)?)),
            None if frac.is_empty() => match int.find(['e', 'E']) {
                Some(e) => return self.with_exponent(int.get(..e)?, "", Some(int.get(e + 1..)?), negative),
                None => ("", None),
            },
            None => (frac, None),
        };
        self.with_exponent(int, frac, exponent, negative)
    }

    fn with_exponent(&self, int: &str, frac: &str, exponent: Option<&str>, negative: bool) -> Option<f64> {
        let group_like = |c: char| self.group.contains(c) || (self.group.trim().is_empty() && c.is_whitespace());
        let digits: String = int.chars().filter(|&c| !group_like(c)).collect();
        let valid = digits.chars().all(|c| c.is_ascii_digit()) && frac.chars().all(|c| c.is_ascii_digit());
        if !valid || (digits.is_empty() && frac.is_empty()) {
            return None;
        }
        let mut literal = format!("{}{digits}.{frac}", if negative { "-" } else { "" });
        if let Some(exponent) = exponent {
            let exponent_digits = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
            if exponent_digits.is_empty() || !exponent_digits.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            literal.push('e');
            literal.push_str(exponent);
        }
        literal.parse::<f64>().ok().filter(|f| f.is_finite())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_as_dotnet() {
        let en = find(None).unwrap();
        let de = find(Some("de-DE")).unwrap();
        assert_eq!(en.parse_number("10,000.333"), Some(10000.333));
        assert_eq!(de.parse_number("10.000,333"), Some(10000.333));
        assert_eq!(en.parse_number("12345,6,78,-"), Some(-12345678.0));
        assert_eq!(en.parse_number("1.5e3"), Some(1500.0));
        assert_eq!(en.parse_number("2E-2"), Some(0.02));
        for bad in ["", "-", ".", "1.2.3", "abc", "1e", "1e+", "--1", "NaN", "Infinity", "1 2", "1e999"] {
            assert_eq!(en.parse_number(bad), None, "{bad}");
        }
        assert!(find(Some("xx-YY")).is_err());
        assert_eq!(find(Some("FR_fr")).map(|c| c.name), Ok("fr-fr"));
    }
}
