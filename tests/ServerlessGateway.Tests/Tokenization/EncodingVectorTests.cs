using System.Text;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Tests.Tokenization;

/// <summary>
/// Token ids for both encodings, written here from OpenAI's own tokenizer: computed with the tiktoken npm package
/// 1.0.22 (tiktoken's Rust core built to WASM; js-tiktoken 1.0.21 agrees on every row but "nel and bom", where it
/// treats U+FEFF as whitespace and U+0085 as not, unlike Rust and .NET). Each row: name, text, o200k_base ids,
/// cl100k_base ids (space-separated).
/// </summary>
public sealed class EncodingVectorTests
{
    [Theory]
    [InlineData("empty", "", "", "")]
    [InlineData("prose", "The quick brown fox jumps over the lazy dog. It's 4:30pm, isn't it?", "976 4853 19705 68347 65613 1072 290 29082 6446 13 7744 220 19 25 1130 6991 11 12471 480 30", "791 4062 14198 39935 35308 927 279 16053 5679 13 1102 596 220 19 25 966 5298 11 4536 956 433 30")]
    [InlineData("contractions", "I'll say they've gone; we're sure it's HE'LL, YOU'D, I'M and 'tis", "67504 2891 51676 12299 26 15929 3239 4275 18638 6 7454 11 19461 78685 11 3413 44 326 461 109773", "40 3358 2019 814 3077 8208 26 584 2351 2771 433 596 11947 6 4178 11 15334 28805 11 358 28703 323 364 83 285")]
    [InlineData("long s contraction", "it\u2019s it'\u017F IT'S", "278 802 480 6 70067 8734 31233", "275 753 433 6 129 123 8871 13575")]
    [InlineData("digit runs", "1234567 3.14159 1,000,000 \u0663\u0664\u0665 \u00B2\u00B3 \u2167", "7633 19354 22 220 18 13 16926 4621 220 16 11 1302 11 1302 220 81473 98713 97336 220 13848 45681 220 25371 100", "4513 10961 22 220 18 13 9335 2946 220 16 11 931 11 931 220 149 96 149 97 149 98 220 30556 44301 220 71567 100")]
    [InlineData("whitespace", "a  b   c\u0009\u0009d\u000A\u000Ae \u000A  f\u000D\u000A\u000D\u000Ag   ", "64 220 287 256 274 197 5971 279 68 793 220 285 1414 70 271", "64 220 293 256 272 197 2765 271 68 720 220 282 881 70 262")]
    [InlineData("trailing newline run", "end\u000A  \u000A\u0009", "419 31835 197", "408 14211 197")]
    [InlineData("code", "def f(x):\u000A    return x ** 2  # square\u000A\u000Aif __name__ == '__main__':\u000A\u0009print(f(3))\u000A", "1314 285 4061 1883 271 622 1215 6240 220 17 220 1069 13749 279 366 2516 897 771 951 28278 7731 39314 15269 1526 7 18 2210", "755 282 2120 997 262 471 865 3146 220 17 220 674 9518 271 333 1328 609 565 624 12385 3902 16575 7045 968 7 18 1192")]
    [InlineData("path and slashes", "see /usr/local/bin//x and https://example.com/a/b?c=d#e !\u000A//\u000A", "6667 820 15943 52214 20950 393 87 326 5918 1684 18582 1136 23839 7611 30 66 56413 2 68 1073 3914 198", "4151 611 7208 23066 8923 322 87 323 3788 1129 8858 916 14520 3554 30 66 26477 2 68 59162 2341")]
    [InlineData("chinese", "\u4ECA\u5929\u5929\u6C14\u5F88\u597D\uFF0C\u6211\u4EEC\u53BB\u516C\u56ED\u6563\u6B65\u5427\u3002", "10941 1487 25896 148483 69072 13817 5312 37075 84748 24952 18208 788", "37271 36827 36827 30320 242 17599 230 53901 3922 98739 86436 35417 9921 255 8067 96 65782 7305 100 1811")]
    [InlineData("japanese", "\u6771\u4EAC\u90FD\u306F\u65E5\u672C\u306E\u9996\u90FD\u3067\u3059\u3002\u30AB\u30BF\u30AB\u30CA\u3082\u3002", "123558 5205 9048 3385 15425 12232 15121 788 14214 12288 14214 27354 8446 788", "14276 109 47653 72368 15682 9080 22656 16144 61075 72368 38641 1811 71493 47307 71493 96452 32977 1811")]
    [InlineData("korean", "\uC548\uB155\uD558\uC138\uC694, \uC138\uC0C1! \uC624\uB298 \uAE30\uBD84\uC774 \uC5B4\uB54C\uC694?", "14307 171731 11 28126 8612 0 106820 11061 15567 2186 21252 41856 7952 30", "31495 230 75265 243 92245 11 28867 116 57002 0 74177 15478 246 55216 80816 13094 80402 112 167 48478 36811 30")]
    [InlineData("arabic", "\u0645\u0631\u062D\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645\u060C \u0643\u064A\u0641 \u062D\u0627\u0644\u0643\u061F", "158894 26537 101462 12773 1368 37940 17405 870 11388", "10386 11318 30925 22071 5821 28946 32482 24102 32482 10386 69885 88041 14900 21604 69338 32482 32173 148 253")]
    [InlineData("hindi", "\u0928\u092E\u0938\u094D\u0924\u0947 \u0926\u0941\u0928\u093F\u092F\u093E, \u0906\u092A \u0915\u0948\u0938\u0947 \u0939\u0948\u0902?", "998 1637 14681 628 64593 11 9717 63073 6374 30", "61196 88344 79468 31584 97 35470 15272 99 73753 61196 43411 107 24810 11 15272 228 87262 48909 12906 230 79468 35470 85410 12906 230 73414 30")]
    [InlineData("russian mixed case", "\u041F\u0440\u0438\u0432\u0435\u0442, \u041C\u0418\u0420! \u041A\u0430\u043A \u0434\u0435\u043B\u0430?", "23881 131903 11 4148 4643 4647 0 26029 78857 30", "54745 28089 8341 11 45458 31274 34604 0 36479 16248 95369 1506 30")]
    [InlineData("mixed scripts", "GPT-4o\u306F\u65E5\u672C\u8A9E\u3082\u8A71\u3059; \u0645\u0631\u062D\u0628\u0627 and \u0436\u0443\u0440\u043D\u0430\u043B McDonald's iPhone", "162016 12 19 78 5205 9048 40909 8446 31160 4868 26 60397 26537 326 62618 7935 155802 575 7081", "38 2898 12 19 78 15682 9080 22656 45918 252 32977 87177 17663 26 24252 11318 30925 22071 5821 323 58317 56515 14525 3114 32014 596 12443")]
    [InlineData("emoji", "I \u2764\uFE0F \uD83C\uDF55! \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 \uD83D\uDC4D\uD83C\uDFFD \uD83C\uDDEB\uD83C\uDDF7", "40 122205 197348 243 0 61138 101 2524 28823 102 2524 28823 100 160433 52622 121 173468 104 55506 115", "40 71570 31643 11410 235 243 0 62904 101 378 235 9468 239 102 378 235 9468 239 100 62904 235 9468 237 121 11410 229 104 9468 229 115")]
    [InlineData("combining marks", "e\u0301 \u0301A1 Ame\u0301lie \u20DD x\u0308\u0308y n\u0303o\u0303", "68 13430 220 13430 32 16 180709 13430 9966 2969 225 251 1215 47565 47565 88 297 52279 78 52279", "68 54939 220 54939 32 16 362 2727 54939 11828 2928 30489 865 136 230 136 230 88 308 136 225 78 136 225")]
    [InlineData("replacement char", "a\uFFFD b", "64 3251 287", "64 5809 293")]
    [InlineData("special token text", "<|endoftext|> hello <|fim_prefix|><|endofprompt|>", "27 91 419 1440 919 91 29 40617 464 91 103473 33197 91 3784 91 419 1440 82467 91 29", "27 91 8862 728 428 91 29 24748 83739 69 318 14301 91 1822 91 408 1073 41681 91 29")]
    [InlineData("nel and bom", "a\u0085b \uFEFFc", "64 126 227 65 71280 66", "64 126 227 65 76880 66")]
    [InlineData("long word", "Pneumonoultramicroscopicsilicovolcanoconiosis-Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch-supercalifragilisticexpialidociousantidisestablishmentarianismfloccinaucinihilipilification", "47 611 394 263 9826 371 26169 2199 47750 1541 112176 47186 6929 29452 156038 9665 8068 53923 62764 680 70 10201 892 21750 70 479 875 332 40555 301 23858 86 48361 493 1371 2751 479 479 479 6988 169407 5842 366 17764 311 6207 8067 563 315 170661 493 129901 376 160388 21203 2367 1836 16533 258 11816 2363 38241 488 311 3166", "47 818 372 263 11206 99040 2823 2445 454 1233 321 292 869 337 69377 444 91260 8288 10946 42000 32962 657 70 23361 983 25734 70 540 727 66945 11160 303 23576 86 657 657 519 1065 4008 540 540 540 5059 59615 3035 278 333 4193 321 4633 4683 532 307 78287 519 85342 34500 479 8997 2191 90906 641 2259 1791 6729 76423 575 321 2461")]
    [InlineData("repeated letters", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 117525 45037", "70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 70540 29558")]
    [InlineData("title and upper", "HTTPServer XMLHttpRequest \u01C5ungla \u01C8ubljana \u02B0ello \u00AAB", "17893 6444 100497 2303 220 131 227 988 1675 220 131 230 2949 63192 220 134 108 6053 1322 103 33", "9412 5592 46938 220 131 227 2234 4355 220 131 230 392 53835 3444 220 134 108 4896 2188 103 33")]
    [InlineData("punctuation runs", "Wait... what?!?! (yes) -- \"quoted\" {[()]} <<>> ;;;\u000A\u000A", "17114 1008 1412 197440 350 6763 8 2230 392 121546 1 106634 416 28000 2256 3920 40346 502", "14524 1131 1148 27074 27074 320 9891 8 1198 330 64825 1 46691 368 14316 1134 2511 13981 401")]
    public void Ids_equal_tiktoken(string name, string text, string o200k, string cl100k)
    {
        Assert.False(string.IsNullOrEmpty(name));
        AssertIds(TiktokenEncoding.O200kBase, text, o200k);
        AssertIds(TiktokenEncoding.Cl100kBase, text, cl100k);
    }

    [Fact]
    public void Special_tokens_are_text_unless_allowed()
    {
        const string text = "hello <|endoftext|> there<|endofprompt|>";

        Assert.Equal([24912, 220, 199999, 1354, 200018], TiktokenEncoding.O200kBase.Encode(text, allowSpecialTokens: true));
        Assert.Equal([15339, 220, 100257, 1070, 100276], TiktokenEncoding.Cl100kBase.Encode(text, allowSpecialTokens: true));
        Assert.DoesNotContain(199999, TiktokenEncoding.O200kBase.Encode(text));
        Assert.DoesNotContain(100257, TiktokenEncoding.Cl100kBase.Encode(text));
        Assert.Equal(TiktokenEncoding.O200kBase.Encode(text).Length, TiktokenEncoding.O200kBase.CountTokens(text));
    }

    [Fact]
    public void A_lone_surrogate_counts_as_the_replacement_character_it_becomes()
    {
        // Not theory data: the test runner's serialisation would turn a lone surrogate into three U+FFFD.
        AssertIds(TiktokenEncoding.O200kBase, "a\uD83D b \uDC00c \uD83D", "64 3251 287 28151 66 28151");
        AssertIds(TiktokenEncoding.Cl100kBase, "a\uD83D b \uDC00c \uD83D", "64 5809 293 30433 66 30433");
        foreach (var encoding in new[] { TiktokenEncoding.O200kBase, TiktokenEncoding.Cl100kBase })
        {
            Assert.Equal(encoding.Encode("x\uFFFDy"), encoding.Encode("x\uD800y"));
            Assert.Equal(encoding.Encode("x\uFFFDy"), encoding.Encode("x\uDFFFy"));
            Assert.Equal(encoding.Encode("\uD83D\uDC4D"), encoding.Encode("👍"));
        }
    }

    [Fact]
    public void Utf8_input_gives_the_same_ids_and_invalid_bytes_count_as_replacement_characters()
    {
        var encoding = TiktokenEncoding.O200kBase;
        const string text = "Grüße aus Köln, 東京 👋";

        Assert.Equal(encoding.Encode(text), encoding.Encode(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(encoding.Encode("a\uFFFDb"), encoding.Encode([(byte)'a', 0xC3, (byte)'b']));
        Assert.Equal(encoding.CountTokens(text), encoding.CountTokens(Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData(EncodingNames.O200kBase)]
    [InlineData(EncodingNames.Cl100kBase)]
    public void Decoding_the_ids_gives_back_the_text(string name)
    {
        var encoding = TiktokenEncoding.Get(name);
        const string text = "Mixed: English, 中文, العربية, emoji 👨‍👩‍👧, code `x => x * 2;`\n\t  and <|endoftext|>.";

        Assert.Equal(text, encoding.Decode(encoding.Encode(text)));
        Assert.Equal(text, encoding.Decode(encoding.Encode(text, allowSpecialTokens: true)));
        Assert.Throws<ArgumentOutOfRangeException>(() => encoding.Decode([-1]));
    }

    private static void AssertIds(TiktokenEncoding encoding, string text, string expected)
    {
        int[] ids = [.. expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];
        Assert.Equal(ids, encoding.Encode(text));
        Assert.Equal(ids.Length, encoding.CountTokens(text));
    }
}
