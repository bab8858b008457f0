//! ISO 3166-1 alpha-2 country codes and ISO 4217 currency codes, complete lists.
//!
//! Generated once from the `pycountry` 26.2.16 package (its ISO 3166-1 and ISO 4217 tables,
//! which follow the ISO maintenance agencies). To regenerate after an ISO change: `pip install
//! pycountry`, then write `sorted(pycountry.countries, key=alpha_2)` codes and names and
//! `sorted(c.alpha_3 for c in pycountry.currencies)` into the three strings below.
//!
//! The tables are packed strings (fixed-width codes, `|`-separated names) rather than arrays of
//! `&str`: the same facts in a fraction of the WebAssembly form bundle, which has a size budget.

/// Every officially assigned ISO 3166-1 alpha-2 code, two letters each, sorted (249 codes).
const COUNTRY_CODES: &str = "\
    ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCN\
    COCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHM\
    HNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMK\
    MLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURW\
    SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVI\
    VNVUWFWSYEYTZAZMZW\
";

/// The English short names of [`COUNTRY_CODES`], in the same order, separated by `|`. Lines
/// break only after a `|` (a `\` line continuation drops the next line's leading spaces).
const COUNTRY_NAMES: &str = "\
    Andorra|United Arab Emirates|Afghanistan|Antigua and Barbuda|Anguilla|Albania|Armenia|Angola|\
    Antarctica|Argentina|American Samoa|Austria|Australia|Aruba|Åland Islands|Azerbaijan|\
    Bosnia and Herzegovina|Barbados|Bangladesh|Belgium|Burkina Faso|Bulgaria|Bahrain|Burundi|Benin|\
    Saint Barthélemy|Bermuda|Brunei Darussalam|Bolivia, Plurinational State of|\
    Bonaire, Sint Eustatius and Saba|Brazil|Bahamas|Bhutan|Bouvet Island|Botswana|Belarus|Belize|\
    Canada|Cocos (Keeling) Islands|Congo, The Democratic Republic of the|Central African Republic|\
    Congo|Switzerland|Côte d'Ivoire|Cook Islands|Chile|Cameroon|China|Colombia|Costa Rica|Cuba|\
    Cabo Verde|Curaçao|Christmas Island|Cyprus|Czechia|Germany|Djibouti|Denmark|Dominica|\
    Dominican Republic|Algeria|Ecuador|Estonia|Egypt|Western Sahara|Eritrea|Spain|Ethiopia|Finland|\
    Fiji|Falkland Islands (Malvinas)|Micronesia, Federated States of|Faroe Islands|France|Gabon|\
    United Kingdom|Grenada|Georgia|French Guiana|Guernsey|Ghana|Gibraltar|Greenland|Gambia|Guinea|\
    Guadeloupe|Equatorial Guinea|Greece|South Georgia and the South Sandwich Islands|Guatemala|Guam|\
    Guinea-Bissau|Guyana|Hong Kong|Heard Island and McDonald Islands|Honduras|Croatia|Haiti|Hungary|\
    Indonesia|Ireland|Israel|Isle of Man|India|British Indian Ocean Territory|Iraq|\
    Iran, Islamic Republic of|Iceland|Italy|Jersey|Jamaica|Jordan|Japan|Kenya|Kyrgyzstan|Cambodia|\
    Kiribati|Comoros|Saint Kitts and Nevis|Korea, Democratic People's Republic of|\
    Korea, Republic of|Kuwait|Cayman Islands|Kazakhstan|Lao People's Democratic Republic|Lebanon|\
    Saint Lucia|Liechtenstein|Sri Lanka|Liberia|Lesotho|Lithuania|Luxembourg|Latvia|Libya|Morocco|\
    Monaco|Moldova, Republic of|Montenegro|Saint Martin (French part)|Madagascar|Marshall Islands|\
    North Macedonia|Mali|Myanmar|Mongolia|Macao|Northern Mariana Islands|Martinique|Mauritania|\
    Montserrat|Malta|Mauritius|Maldives|Malawi|Mexico|Malaysia|Mozambique|Namibia|New Caledonia|\
    Niger|Norfolk Island|Nigeria|Nicaragua|Netherlands|Norway|Nepal|Nauru|Niue|New Zealand|Oman|\
    Panama|Peru|French Polynesia|Papua New Guinea|Philippines|Pakistan|Poland|\
    Saint Pierre and Miquelon|Pitcairn|Puerto Rico|Palestine, State of|Portugal|Palau|Paraguay|\
    Qatar|Réunion|Romania|Serbia|Russian Federation|Rwanda|Saudi Arabia|Solomon Islands|Seychelles|\
    Sudan|Sweden|Singapore|Saint Helena, Ascension and Tristan da Cunha|Slovenia|\
    Svalbard and Jan Mayen|Slovakia|Sierra Leone|San Marino|Senegal|Somalia|Suriname|South Sudan|\
    Sao Tome and Principe|El Salvador|Sint Maarten (Dutch part)|Syrian Arab Republic|Eswatini|\
    Turks and Caicos Islands|Chad|French Southern Territories|Togo|Thailand|Tajikistan|Tokelau|\
    Timor-Leste|Turkmenistan|Tunisia|Tonga|Türkiye|Trinidad and Tobago|Tuvalu|\
    Taiwan, Province of China|Tanzania, United Republic of|Ukraine|Uganda|\
    United States Minor Outlying Islands|United States|Uruguay|Uzbekistan|\
    Holy See (Vatican City State)|Saint Vincent and the Grenadines|\
    Venezuela, Bolivarian Republic of|Virgin Islands, British|Virgin Islands, U.S.|Viet Nam|Vanuatu|\
    Wallis and Futuna|Samoa|Yemen|Mayotte|South Africa|Zambia|Zimbabwe\
";

/// Every active ISO 4217 currency code (including funds and precious metals), three letters each, sorted.
const CURRENCY_CODES: &str = "\
    AEDAFNALLAMDAOAARSAUDAWGAZNBAMBBDBDTBHDBIFBMDBNDBOBBOVBRLBSDBTNBWPBYNBZDCADCDFCHECHFCHWCLFCLPCNY\
    COPCOUCRCCUPCVECZKDJFDKKDOPDZDEGPERNETBEURFJDFKPGBPGELGHSGIPGMDGNFGTQGYDHKDHNLHTGHUFIDRILSINRIQD\
    IRRISKJMDJODJPYKESKGSKHRKMFKPWKRWKWDKYDKZTLAKLBPLKRLRDLSLLYDMADMDLMGAMKDMMKMNTMOPMRUMURMVRMWKMXN\
    MXVMYRMZNNADNGNNIONOKNPRNZDOMRPABPENPGKPHPPKRPLNPYGQARRONRSDRUBRWFSARSBDSCRSDGSEKSGDSHPSLESOSSRD\
    SSPSTNSVCSYPSZLTHBTJSTMTTNDTOPTRYTTDTWDTZSUAHUGXUSDUSNUYIUYUUYWUZSVEDVESVNDVUVWSTXADXAFXAGXAUXBA\
    XBBXBCXBDXCDXCGXDRXOFXPDXPFXPTXSUXTSXUAXXXYERZARZMWZWG\
";

/// The `i`th fixed-width code of a packed table.
fn code_at(table: &'static str, width: usize, i: usize) -> Option<&'static str> {
    table.get(i * width..(i + 1) * width)
}

/// The position of `code` in a packed, sorted table of fixed-width codes.
fn position(table: &'static str, width: usize, code: &str) -> Option<usize> {
    if code.len() != width {
        return None;
    }
    let (mut low, mut high) = (0, table.len() / width);
    while low < high {
        let mid = low + (high - low) / 2;
        match code_at(table, width, mid)?.cmp(code) {
            std::cmp::Ordering::Equal => return Some(mid),
            std::cmp::Ordering::Less => low = mid + 1,
            std::cmp::Ordering::Greater => high = mid,
        }
    }
    None
}

/// Every country code with its name, in code order.
pub fn countries() -> impl Iterator<Item = (&'static str, &'static str)> {
    (0..COUNTRY_CODES.len() / 2).filter_map(|i| code_at(COUNTRY_CODES, 2, i)).zip(COUNTRY_NAMES.split('|'))
}

/// Every currency code, in order.
pub fn currencies() -> impl Iterator<Item = &'static str> {
    (0..CURRENCY_CODES.len() / 3).filter_map(|i| code_at(CURRENCY_CODES, 3, i))
}

/// The English name of an ISO 3166-1 alpha-2 code (exact, upper case), if it is one.
pub fn country_name(code: &str) -> Option<&'static str> {
    position(COUNTRY_CODES, 2, code).and_then(|i| COUNTRY_NAMES.split('|').nth(i))
}

/// Whether `code` is an assigned ISO 3166-1 alpha-2 code (exact, upper case).
pub fn is_country(code: &str) -> bool {
    position(COUNTRY_CODES, 2, code).is_some()
}

/// The alpha-2 code whose English name is `name` (case-insensitive), for hints such as
/// "United States" → "US".
pub fn country_code_for_name(name: &str) -> Option<&'static str> {
    let name = name.trim();
    countries().find(|(_, n)| n.eq_ignore_ascii_case(name)).map(|(c, _)| c)
}

/// Whether `code` is an active ISO 4217 currency code (exact, upper case).
pub fn is_currency(code: &str) -> bool {
    position(CURRENCY_CODES, 3, code).is_some()
}

/// ISO 4217 codes that are not money a deal is priced in: precious metals, bond-market units,
/// special drawing rights, the testing code and "no currency".
const NON_MONETARY: [&str; 13] =
    ["XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"];

/// Whether `code` is an ISO 4217 currency a deal can be valued in.
pub fn is_deal_currency(code: &str) -> bool {
    is_currency(code) && !NON_MONETARY.contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_complete_and_sorted() {
        let codes: Vec<_> = countries().map(|(c, _)| c).collect();
        assert_eq!(codes.len(), 249);
        assert_eq!(COUNTRY_NAMES.split('|').count(), 249, "one name per code");
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
        let currencies: Vec<_> = currencies().collect();
        assert_eq!(currencies.len(), CURRENCY_COUNT);
        assert!(currencies.windows(2).all(|w| w[0] < w[1]));
        assert!(codes.iter().all(|c| c.bytes().all(|b| b.is_ascii_uppercase())));
        assert!(currencies.iter().all(|c| c.bytes().all(|b| b.is_ascii_uppercase())));
        assert_eq!(COUNTRY_CODES.len(), 2 * 249);
        assert_eq!(CURRENCY_CODES.len() % 3, 0);
    }

    #[test]
    fn every_listed_code_is_found_and_nothing_else() {
        for (c, name) in countries() {
            assert!(is_country(c), "{c}");
            assert_eq!(country_name(c), Some(name));
        }
        for c in currencies() {
            assert!(is_currency(c), "{c}");
        }
    }

    #[test]
    fn real_codes_pass_and_lookalikes_fail() {
        for c in ["US", "DE", "GB", "NL", "AX", "SS", "AD", "ZW"] {
            assert!(is_country(c), "{c}");
        }
        for c in ["UK", "EU", "XX", "ZZ", "us", "USA", "", "U", "A"] {
            assert!(!is_country(c), "{c}");
        }
        for c in ["USD", "EUR", "JPY", "CHF", "XAU", "AED", "ZWG"] {
            assert!(is_currency(c), "{c}");
        }
        for c in ["EUO", "usd", "US", "DOLLAR", "XXY", "", "USDX"] {
            assert!(!is_currency(c), "{c}");
        }
        for c in ["USD", "XOF", "XAF", "XPF", "XCD"] {
            assert!(is_deal_currency(c), "{c}");
        }
        for c in ["XAU", "XTS", "XXX", "XDR"] {
            assert!(is_currency(c) && !is_deal_currency(c), "{c}");
        }
        assert_eq!(country_code_for_name("united states"), Some("US"));
        assert_eq!(country_name("DE"), Some("Germany"));
        assert_eq!(country_name("ZZ"), None);
    }

    const CURRENCY_COUNT: usize = 178;
}
