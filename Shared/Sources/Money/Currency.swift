/// A currency the platform keeps accounts in: an ISO 4217 code with its minor unit, or the
/// platform's learning token.
///
/// Amounts everywhere are whole numbers of minor units (cents, yen, fils), never floating
/// point; `minorUnitDigits` says how many minor units make one major unit (10^digits).
public struct Currency: Sendable, Hashable, CustomStringConvertible {
    /// The upper-case code: `USD`, `JPY`, `AZR`.
    public let code: String
    /// Digits after the decimal point: 2 for USD, 0 for JPY, 3 for KWD.
    public let minorUnitDigits: Int

    public var description: String { code }

    /// The currency with this code, or `nil` when the platform does not know it.
    public init?(code: String) {
        guard let digits = Self.minorUnits[code] else { return nil }
        self.code = code
        self.minorUnitDigits = digits
    }

    /// The message for a field holding a code the platform does not know.
    public static let unknownCodeHelp = "is not an ISO 4217 currency code the platform knows"

    /// The platform's learning token (token-service); hundredths are its smallest unit.
    public static let platformTokenCode = "AZR"

    /// Every code known, sorted.
    public static var allCodes: [String] { minorUnits.keys.sorted() }

    /// Minor-unit digits of the ISO 4217 currencies in circulation (list of 2024), plus the token.
    private static let minorUnits: [String: Int] = {
        var table: [String: Int] = [platformTokenCode: 2]
        for code in twoDigitCodes.split(separator: " ") { table[String(code)] = 2 }
        for code in zeroDigitCodes.split(separator: " ") { table[String(code)] = 0 }
        for code in threeDigitCodes.split(separator: " ") { table[String(code)] = 3 }
        return table
    }()

    private static let zeroDigitCodes = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
    private static let threeDigitCodes = "BHD IQD JOD KWD LYD OMR TND"
    private static let twoDigitCodes = """
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD \
        CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD \
        GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD \
        MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP \
        PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS \
        TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWL
        """
}
