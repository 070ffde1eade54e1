using System.Text;
using System.Text.Json;

namespace ServerlessGateway.Accounting.Ledger;

/// <summary>
/// Where records go when the in-memory queue is full: JSON lines appended to a file. To drain it the writer first
/// renames it to "*.draining" (new spills start a fresh file), writes those records, then deletes the renamed file.
/// A crash before the delete means the records are written again on the next drain: duplicates the store ignores.
/// </summary>
public sealed class UsageSpillFile
{
    private readonly Lock gate = new();
    private readonly LedgerStats stats;

    public UsageSpillFile(string path, LedgerStats stats)
    {
        this.stats = stats;
        Path = System.IO.Path.GetFullPath(path);
        DrainingPath = Path + ".draining";
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // Records left by an earlier run wait here too: readiness reports them until drained.
        stats.SpillAppended(CountLines(Path) + CountLines(DrainingPath));
    }

    public string Path { get; }

    public string DrainingPath { get; }

    /// <summary>Appends the records and flushes them to disk before returning.</summary>
    public void Append(IReadOnlyCollection<UsageRecord> records, bool durable = true)
    {
        if (records.Count == 0)
        {
            return;
        }

        var text = new StringBuilder();
        foreach (var record in records)
        {
            text.Append(JsonSerializer.Serialize(UsageRecordDocument.From(record), LedgerJsonContext.Default.UsageRecordDocument)).Append('\n');
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        lock (gate)
        {
            using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            file.Write(bytes);
            file.Flush(flushToDisk: durable);
        }

        stats.SpillAppended(records.Count);
    }

    /// <summary>True when there is a draining file to read: one left over, or the spill file just renamed to it.</summary>
    public bool TryBeginDrain()
    {
        lock (gate)
        {
            if (File.Exists(DrainingPath))
            {
                return true;
            }

            if (!File.Exists(Path) || new FileInfo(Path).Length == 0)
            {
                return false;
            }

            File.Move(Path, DrainingPath);
            return true;
        }
    }

    /// <summary>The draining file in batches. A torn last line (a crash mid-append) is counted and skipped.</summary>
    public IEnumerable<SpillBatch> ReadDraining(int batchSize)
    {
        using var reader = new StreamReader(DrainingPath, Encoding.UTF8);
        var records = new List<UsageRecord>(batchSize);
        var lines = 0;
        while (reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            lines++;
            if (Parse(line) is { } record)
            {
                records.Add(record);
            }

            if (records.Count >= batchSize)
            {
                yield return new SpillBatch(records, lines);
                records = new List<UsageRecord>(batchSize);
                lines = 0;
            }
        }

        if (lines > 0)
        {
            yield return new SpillBatch(records, lines);
        }
    }

    /// <summary>Called once every record of the draining file is in the store.</summary>
    public void FinishDrain()
    {
        lock (gate)
        {
            File.Delete(DrainingPath);
        }
    }

    private static UsageRecord? Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, LedgerJsonContext.Default.UsageRecordDocument)?.ToRecord();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static long CountLines(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        long count = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                count++;
            }
        }

        return count;
    }
}

/// <summary>Records read from the draining file, and how many lines they took (torn lines included) for the pending count.</summary>
public sealed record SpillBatch(IReadOnlyList<UsageRecord> Records, int Lines);
