using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ServerlessGateway.Storage.Sqlite;

/// <summary>
/// One statement prepared once and run for every row of a batch, its values bound by position with SQLite's own
/// calls. Microsoft.Data.Sqlite (6.0 here) boxes every value and binds each parameter by name on every run, a linear
/// search of the statement's names: for the ledger's 30 columns that cost more than SQLite's insert itself. Write the
/// SQL with <c>?</c> placeholders and bind in their order; <see cref="Run"/> checks that every one was bound.
/// </summary>
internal sealed class PreparedStatement : IDisposable
{
    private readonly sqlite3 database;
    private readonly sqlite3_stmt statement;
    private readonly int parameters;
    private int next = 1;

    /// <summary>Prepares <paramref name="sql"/> on the connection's handle, inside whatever transaction it has open.</summary>
    public PreparedStatement(SqliteConnection connection, string sql)
    {
        database = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(database, sql, out statement));
        parameters = raw.sqlite3_bind_parameter_count(statement);
    }

    public PreparedStatement Add(long value) => Bound(raw.sqlite3_bind_int64(statement, next, value));

    public PreparedStatement Add(double value) => Bound(raw.sqlite3_bind_double(statement, next, value));

    public PreparedStatement Add(double? value) => value is { } v ? Add(v) : Null();

    public PreparedStatement Add(string? value) => value is null ? Null() : Bound(raw.sqlite3_bind_text(statement, next, value));

    public PreparedStatement Add(byte[]? value) => value is null ? Null() : Bound(raw.sqlite3_bind_blob(statement, next, value));

    public PreparedStatement Null() => Bound(raw.sqlite3_bind_null(statement, next));

    /// <summary>Runs the statement with the values bound since the last run; the number of rows it changed.</summary>
    public int Run()
    {
        if (next != parameters + 1)
        {
            var bound = next - 1;
            next = 1;
            throw new InvalidOperationException($"{bound} of the statement's {parameters} values were bound.");
        }

        next = 1;
        var result = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (result != raw.SQLITE_DONE)
        {
            throw new SqliteException(raw.sqlite3_errmsg(database).utf8_to_string(), result);
        }

        return raw.sqlite3_changes(database);
    }

    public void Dispose() => statement.Dispose();

    private PreparedStatement Bound(int result)
    {
        Check(result);
        next++;
        return this;
    }

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(database).utf8_to_string(), result);
        }
    }
}
