using Microsoft.Data.Sqlite;
using ServerlessGateway.Storage.Sqlite;
using ServerlessGateway.Tests.Accounting.Ledger;

namespace ServerlessGateway.Tests.Storage;

public sealed class PreparedStatementTests : IDisposable
{
    private readonly SqliteDatabase database = new(LedgerRecords.TempPath(".db"));
    private readonly SqliteConnection connection;

    public PreparedStatementTests()
    {
        connection = database.Open();
        using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, x REAL, s TEXT, b BLOB)";
        create.ExecuteNonQuery();
    }

    public void Dispose()
    {
        connection.Dispose();
        database.Dispose();
    }

    [Fact]
    public void Values_bound_by_position_arrive_with_their_types_and_nulls()
    {
        using (var insert = new PreparedStatement(connection, "INSERT INTO t (id, n, x, s, b) VALUES (?, ?, ?, ?, ?)"))
        {
            Assert.Equal(1, insert.Add("a").Add(long.MaxValue).Add(0.25).Add("ünïcode").Add([1, 2, 3]).Run());
            Assert.Equal(1, insert.Add("b").Add(-1).Add((double?)null).Add((string?)null).Add((byte[]?)null).Run());
        }

        using var read = connection.CreateCommand();
        read.CommandText = "SELECT id, n, x, s, b, typeof(x), typeof(s), typeof(b) FROM t ORDER BY id";
        using var rows = read.ExecuteReader();
        Assert.True(rows.Read());
        Assert.Equal(("a", long.MaxValue, 0.25, "ünïcode"), (rows.GetString(0), rows.GetInt64(1), rows.GetDouble(2), rows.GetString(3)));
        Assert.Equal(new byte[] { 1, 2, 3 }, rows.GetFieldValue<byte[]>(4));
        Assert.True(rows.Read());
        Assert.Equal(-1, rows.GetInt64(1));
        Assert.Equal(("null", "null", "null"), (rows.GetString(5), rows.GetString(6), rows.GetString(7)));
    }

    [Fact]
    public void An_ignored_insert_changes_no_row_and_a_violated_constraint_is_a_sqlite_error()
    {
        using var ignore = new PreparedStatement(connection, "INSERT OR IGNORE INTO t (id, n) VALUES (?, ?)");
        Assert.Equal(1, ignore.Add("k").Add(1).Run());
        Assert.Equal(0, ignore.Add("k").Add(2).Run());

        using var insert = new PreparedStatement(connection, "INSERT INTO t (id, n) VALUES (?, ?)");
        var error = Assert.Throws<SqliteException>(() => insert.Add("k").Add(3).Run());
        Assert.Contains("UNIQUE", error.Message, StringComparison.Ordinal);

        // The statement is usable after the error: it was reset.
        Assert.Equal(1, insert.Add("m").Add(4).Run());
    }

    [Fact]
    public void Running_with_a_value_missing_refuses_instead_of_reusing_the_last_rows_value()
    {
        using var insert = new PreparedStatement(connection, "INSERT INTO t (id, n) VALUES (?, ?)");
        Assert.Equal(1, insert.Add("a").Add(1).Run());

        var error = Assert.Throws<InvalidOperationException>(() => insert.Add("b").Run());

        Assert.Contains("1 of the statement's 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, insert.Add("c").Add(3).Run());
    }
}
