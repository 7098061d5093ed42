import Foundation
import Hummingbird
import Shared

/// Financial reports for services and administrators, as JSON or (`?format=csv`) CSV:
/// trial balance, balance sheet, income statement, totals by category and by owner, and the
/// integrity check.
struct ReportRoutes: Sendable {
    let reports: Reports
    let integrity: IntegrityCheck

    enum Format: String, CaseIterable { case json, csv }

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("/ledger/reports/integrity") { _, context in
            try context.requireLedgerWriter()
            return try await integrity.run()
        }

        group.get("/ledger/reports/trial-balance") { request, context in
            try context.requireLedgerWriter()
            let asOf = try request.queryDate("asOf")
            let lines = try await reports.accountLines(asOf: asOf, currency: try currency(request))
            let rows = lines.map { TrialBalanceRow(line: $0) }
            let totals = Dictionary(grouping: rows, by: \.currency).map { currency, rows in
                SideTotals(currency: currency, rows: rows)
            }.sorted { $0.currency < $1.currency }
            return try answer(request, context, json: TrialBalance(asOf: asOf, lines: rows, totals: totals),
                              csv: CSVTable(header: ["accountId", "code", "type", "ownerRef", "currency", "debitBalance", "creditBalance"],
                                            rows: rows.map { [$0.accountId.lowercasedText, $0.code ?? "", $0.type.rawValue,
                                                              $0.ownerRef ?? "", $0.currency, String($0.debitBalance), String($0.creditBalance)] },
                                            filename: "trial-balance.csv"))
        }

        group.get("/ledger/reports/balance-sheet") { request, context in
            try context.requireLedgerWriter()
            let asOf = try request.queryDate("asOf")
            let lines = try await reports.accountLines(asOf: asOf, currency: try currency(request))
            let sheets = Dictionary(grouping: lines, by: \.currency).map { currency, lines in
                BalanceSheet.Section(currency: currency, lines: lines)
            }.sorted { $0.currency < $1.currency }
            return try answer(request, context, json: BalanceSheet(asOf: asOf, currencies: sheets),
                              csv: accountCSV(lines.filter { [.asset, .liability, .equity].contains($0.type) }, "balance-sheet.csv"))
        }

        group.get("/ledger/reports/income-statement") { request, context in
            try context.requireLedgerWriter()
            let (from, to) = try period(request)
            let lines = try await reports.periodLines(from: from, to: to, currency: try currency(request), types: [.revenue, .expense])
            let sections = Dictionary(grouping: lines, by: \.currency).map { currency, lines in
                IncomeStatement.Section(currency: currency, lines: lines)
            }.sorted { $0.currency < $1.currency }
            return try answer(request, context, json: IncomeStatement(from: from, to: to, currencies: sections),
                              csv: accountCSV(lines, "income-statement.csv"))
        }

        group.get("/ledger/reports/categories") { request, context in
            try context.requireLedgerWriter()
            let (from, to) = try period(request)
            let lines = try await reports.categories(from: from, to: to, currency: try currency(request))
            return try answer(request, context, json: PeriodLines(from: from, to: to, lines: lines),
                              csv: CSVTable(header: ["code", "currency", "transfers", "amount"],
                                            rows: lines.map { [$0.code ?? "", $0.currency, String($0.transfers), String($0.amount)] },
                                            filename: "categories.csv"))
        }

        group.get("/ledger/reports/owners") { request, context in
            try context.requireLedgerWriter()
            let (from, to) = try period(request)
            let lines = try await reports.owners(from: from, to: to, currency: try currency(request))
            return try answer(request, context, json: PeriodLines(from: from, to: to, lines: lines),
                              csv: CSVTable(header: ["ownerRef", "currency", "debits", "credits"],
                                            rows: lines.map { [$0.ownerRef ?? "", $0.currency, String($0.debits), String($0.credits)] },
                                            filename: "owners.csv"))
        }
    }

    private func answer(_ request: Request, _ context: AppRequestContext, json: some ResponseEncodable, csv: CSVTable) throws
        -> Response
    {
        switch try request.queryEnum("format", as: Format.self) ?? .json {
        case .json: try json.response(from: request, context: context)
        case .csv: try csv.response(from: request, context: context)
        }
    }

    private func accountCSV(_ lines: [Reports.AccountLine], _ filename: String) -> CSVTable {
        CSVTable(header: ["accountId", "code", "type", "ownerRef", "currency", "debits", "credits", "balance"],
                 rows: lines.map { [$0.accountId.lowercasedText, $0.code ?? "", $0.type.rawValue, $0.ownerRef ?? "",
                                    $0.currency, String($0.debits), String($0.credits), String($0.balance)] },
                 filename: filename)
    }

    private func currency(_ request: Request) throws -> String? {
        guard let code = request.query("currency") else { return nil }
        guard Currency(code: code) != nil else { throw Problem.invalid("currency", "is not an ISO 4217 code the ledger knows (or AZR)") }
        return code
    }

    /// `from` (inclusive) and `to` (exclusive); both required, `from` before `to`.
    private func period(_ request: Request) throws -> (Date, Date) {
        guard let from = try request.queryDate("from") else { throw Problem.invalid("from", "is required (RFC 3339)") }
        guard let to = try request.queryDate("to") else { throw Problem.invalid("to", "is required (RFC 3339)") }
        guard from < to else { throw Problem.invalid("to", "must be after from") }
        return (from, to)
    }
}

extension TrialBalance: ResponseEncodable {}
extension BalanceSheet: ResponseEncodable {}
extension IncomeStatement: ResponseEncodable {}
extension PeriodLines: ResponseEncodable {}
