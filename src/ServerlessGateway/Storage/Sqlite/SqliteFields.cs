using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Storage.Sqlite;

/// <summary>How structured fields (limits, budgets, maps, lists) and times go in and out of SQLite columns.</summary>
internal static class SqliteFields
{
    public static void Add(this SqliteCommand command, string name, object? value) =>
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);

    /// <summary>"?, ?, …": one positional placeholder per column of a comma-separated column list.</summary>
    public static string Placeholders(string columns) => string.Join(", ", Enumerable.Repeat("?", columns.Split(',').Length));

    public static long? Millis(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static string? Json(LimitOptions? limits) => limits is null ? null : JsonSerializer.Serialize(limits, StoredFieldsJson.Default.LimitOptions);

    public static string? Json(BudgetOptions? budget) => budget is null ? null : JsonSerializer.Serialize(budget, StoredFieldsJson.Default.BudgetOptions);

    public static string Json(IReadOnlyDictionary<string, string> map) =>
        JsonSerializer.Serialize(new Dictionary<string, string>(map, StringComparer.Ordinal), StoredFieldsJson.Default.DictionaryStringString);

    public static string Json(IReadOnlyList<string> list) => JsonSerializer.Serialize(list.ToList(), StoredFieldsJson.Default.ListString);

    public static LimitOptions? ReadLimits(SqliteDataReader reader, int ordinal) =>
        Text(reader, ordinal) is { } json ? JsonSerializer.Deserialize(json, StoredFieldsJson.Default.LimitOptions) : null;

    public static BudgetOptions? ReadBudget(SqliteDataReader reader, int ordinal) =>
        Text(reader, ordinal) is { } json ? JsonSerializer.Deserialize(json, StoredFieldsJson.Default.BudgetOptions) : null;

    public static Dictionary<string, string> Map(SqliteDataReader reader, int ordinal) =>
        new(JsonSerializer.Deserialize(reader.GetString(ordinal), StoredFieldsJson.Default.DictionaryStringString) ?? [], StringComparer.Ordinal);

    public static List<string> List(SqliteDataReader reader, int ordinal) =>
        JsonSerializer.Deserialize(reader.GetString(ordinal), StoredFieldsJson.Default.ListString) ?? [];

    /// <summary>Runs a read of many rows through <paramref name="map"/>, reading one past the limit to know if more follow.</summary>
    public static async Task<StorePage<T>> PageAsync<T>(SqliteCommand command, int limit, Func<SqliteDataReader, T> map, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(map(reader));
        }

        return items.Count > limit ? new StorePage<T>(items[..limit], true) : new StorePage<T>(items, false);
    }

    /// <summary>Whether a write failed on a UNIQUE or PRIMARY KEY constraint.</summary>
    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>Money is stored as exact decimal text: SQL arithmetic on REAL would round it.</summary>
    public static string Money(decimal value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static decimal ParseMoney(string text) => decimal.Parse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture);

    public static bool IsDuplicate(SqliteException ex) => ex.SqliteErrorCode == 19; // SQLITE_CONSTRAINT

    /// <summary>Inserts <paramref name="stored"/> with <paramref name="sql"/>; a row that already exists is a Duplicate.</summary>
    public static async Task<StoreWrite<T>> InsertAsync<T>(
        SqliteDatabase database, string sql, T stored, Action<SqliteCommand, T> bind, CancellationToken cancellationToken)
        where T : class
    {
        using var turn = await database.WriteTurnAsync(cancellationToken);
        await using var connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command, stored);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return StoreWrite.Done(stored);
        }
        catch (SqliteException ex) when (IsDuplicate(ex))
        {
            return StoreWrite.Failed<T>(StoreWriteStatus.Duplicate);
        }
    }

    /// <summary>
    /// Writes <paramref name="stored"/> only where the row still has <paramref name="expectedVersion"/> (bound as
    /// $expected); otherwise NotFound or Conflict, by whether the row still exists.
    /// </summary>
    public static async Task<StoreWrite<T>> UpdateIfVersionAsync<T>(
        SqliteDatabase database, string sql, T stored, long expectedVersion, Action<SqliteCommand, T> bind, Func<Task<bool>> exists, CancellationToken cancellationToken)
        where T : class
    {
        using (await database.WriteTurnAsync(cancellationToken))
        {
            await using var connection = database.Open();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command, stored);
            command.Add("$expected", expectedVersion);
            try
            {
                if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
                {
                    return StoreWrite.Done(stored);
                }
            }
            catch (SqliteException ex) when (IsDuplicate(ex))
            {
                return StoreWrite.Failed<T>(StoreWriteStatus.Duplicate);
            }
        }

        return StoreWrite.Failed<T>(await exists() ? StoreWriteStatus.Conflict : StoreWriteStatus.NotFound);
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LimitOptions))]
[JsonSerializable(typeof(BudgetOptions))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class StoredFieldsJson : JsonSerializerContext;
