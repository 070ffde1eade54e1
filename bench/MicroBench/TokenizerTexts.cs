using System.Text;

namespace ServerlessGateway.MicroBench;

/// <summary>
/// The texts the tokenizer is measured on, generated (deterministically) rather than stored: English prose from a
/// common-word vocabulary, this repository's own C# source as code, Chinese and Japanese prose from common phrases,
/// and a 1 MB document mixing all three with Markdown. The side-by-side script writes them to files so the npm
/// tiktoken package counts the very same bytes.
/// </summary>
public static class TokenizerTexts
{
    public static readonly string[] Names = ["prose", "code", "cjk", "doc-1mb"];

    private static readonly string[] EnglishWords = """
        the of and to in a is that for it as was with be by on not he I this are or his from at which but have an they
        you were her she there been one all we their has would when if so no what can more out up other about into them
        some could time these two may first then do any like my now over such our man me even most made after also did
        many before must through back years where much your way well down should because each just those people how
        too little state good very make world still own see men work long get here between both life being under never
        day same another know while last might us great old year off come since against go came right used take three
        gateway request model token tokens budget limit stream answer provider deployment latency cache price usage
        however although therefore meanwhile nevertheless understanding responsibility development information
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

    private static readonly string[] CjkPhrases =
    [
        "今天天气很好", "我们去公园散步吧", "这个问题很有意思", "请告诉我更多的信息", "人工智能正在改变世界", "他在北京大学学习计算机科学",
        "我们需要在下周之前完成这个项目", "这家餐厅的菜非常好吃", "历史告诉我们很多道理", "经济发展和环境保护同样重要",
        "東京は日本の首都です", "私は毎朝コーヒーを飲みます", "この本はとても面白かったです", "新しいプロジェクトが始まりました",
        "明日の会議は午後三時からです", "日本語を勉強するのは楽しいです", "駅までの道を教えてください", "春になると桜が咲きます",
        "데이터베이스", "인공지능", "감사합니다",
    ];

    private const string CommonCharacters =
        "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从"
        + "知己情意现理言实相本长问明动新开日本東京語電車駅会社時間学生先生友達仕事料理音楽映画写真旅行天気世界経済社会文化歴史技術情報研究開発"
        + "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんアイウエオカキクケコサシスセソタチツテト";

    public static string Get(string name) => name switch
    {
        "prose" => Prose(64 * 1024, seed: 1),
        "code" => Code(64 * 1024),
        "cjk" => Cjk(64 * 1024, seed: 2),
        "doc-1mb" => Document(1024 * 1024),
        _ => throw new ArgumentException($"Unknown text '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
    };

    public static void WriteAll(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var name in Names)
        {
            File.WriteAllText(Path.Combine(folder, name + ".txt"), Get(name), new UTF8Encoding(false));
        }
    }

    /// <summary>
    /// Real English: the repository's Markdown and the comments in its C# source, in file order, then (past what
    /// they hold) sentences generated from their words.
    /// </summary>
    private static string Prose(int bytes, int seed)
    {
        var root = RepositoryRoot();
        var text = new StringBuilder();
        var markdown = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md"))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "src"), "*.md", SearchOption.AllDirectories));
        foreach (var file in markdown.Order(StringComparer.Ordinal))
        {
            text.Append(File.ReadAllText(file)).Append("\n\n");
        }

        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file))
            {
                var trimmed = line.TrimStart();
                if (trimmed.StartsWith("//", StringComparison.Ordinal))
                {
                    text.Append(trimmed.TrimStart('/', ' ').Replace("<summary>", "", StringComparison.Ordinal).Replace("</summary>", "", StringComparison.Ordinal)).Append(' ');
                }
            }

            text.Append("\n\n");
        }

        var words = text.ToString().Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var random = new Random(seed);
        while (Encoding.UTF8.GetByteCount(text.ToString()) < bytes)
        {
            for (var i = random.Next(6, 22); i > 0; i--)
            {
                text.Append(words[random.Next(words.Length)]).Append(' ');
            }

            text.Append(".\n");
        }

        return Trim(text.ToString(), bytes);
    }

    private static string Code(int bytes)
    {
        var root = RepositoryRoot();
        var text = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            text.Append(File.ReadAllText(file)).Append('\n');
            if (text.Length > bytes * 2)
            {
                break;
            }
        }

        return Trim(text.ToString(), bytes);
    }

    /// <summary>
    /// Chinese and Japanese: common phrases, and "words" of two to four characters drawn from a few hundred common
    /// characters, so most pieces are new to the tokenizer and must be merged (no easy cache hits).
    /// </summary>
    private static string Cjk(int bytes, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(text.ToString()) < bytes)
        {
            if (random.Next(3) == 0)
            {
                text.Append(CjkPhrases[random.Next(CjkPhrases.Length)]);
            }
            else
            {
                for (var word = random.Next(2, 8); word > 0; word--)
                {
                    for (var c = random.Next(2, 5); c > 0; c--)
                    {
                        text.Append(CommonCharacters[random.Next(CommonCharacters.Length)]);
                    }
                }
            }

            text.Append(random.Next(3) switch { 0 => "，", 1 => "。", _ => "、" });
            if (random.Next(20) == 0)
            {
                text.Append('\n');
            }
        }

        return Trim(text.ToString(), bytes);
    }

    private static string Document(int bytes)
    {
        var parts = new[] { Prose(256 * 1024, 3), Code(256 * 1024), Cjk(128 * 1024, 4), Prose(256 * 1024, 5) };
        var text = new StringBuilder("# A long document\n\n");
        for (var i = 0; Encoding.UTF8.GetByteCount(text.ToString()) < bytes; i++)
        {
            text.Append("\n## Part ").Append(i + 1).Append("\n\n");
            var part = parts[i % parts.Length];
            text.Append(i % parts.Length == 1 ? "```csharp\n" + part[..Math.Min(part.Length, 40_000)] + "\n```\n" : part[..Math.Min(part.Length, 60_000)]);
        }

        return Trim(text.ToString(), bytes);
    }

    /// <summary>Cuts to at most <paramref name="bytes"/> UTF-8 bytes on a character boundary.</summary>
    private static string Trim(string text, int bytes)
    {
        var encoded = Encoding.UTF8.GetBytes(text);
        if (encoded.Length <= bytes)
        {
            return text;
        }

        var end = bytes;
        while (end > 0 && (encoded[end] & 0xC0) == 0x80)
        {
            end--;
        }

        return Encoding.UTF8.GetString(encoded, 0, end);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ServerlessGateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ServerlessGateway.sln not found above " + AppContext.BaseDirectory);
    }
}
