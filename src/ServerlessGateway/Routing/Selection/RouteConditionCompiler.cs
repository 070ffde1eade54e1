using System.Text.RegularExpressions;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Selection;

/// <summary>
/// Turns a condition as written into a <see cref="RouteCondition"/>, listing every problem with its
/// configuration path (e.g. Gateway:Routing:Routes:2:When:Any:0:Matches).
/// </summary>
public static class RouteConditionCompiler
{
    /// <summary>
    /// Values are short (metadata ≤ 512 characters, one header line), so a sane pattern answers in microseconds;
    /// the limit only stops a pathological one. Interpreted, not RegexOptions.Compiled: compiling costs start-up
    /// time and resident code for values this short.
    /// </summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    /// <summary>Deeper nesting is a mistake, not a routing need; the bound also keeps evaluation cheap.</summary>
    private const int MaxDepth = 16;

    public static RouteCondition? Compile(RouteConditionOptions? options, string path, List<string> errors) =>
        Compile(options, path, errors, 0);

    private static RouteCondition? Compile(RouteConditionOptions? options, string path, List<string> errors, int depth)
    {
        if (options is null)
        {
            errors.Add($"{path} must hold a condition: Field with Equals, In or Matches, or All, Any or Not.");
            return null;
        }

        if (depth > MaxDepth)
        {
            errors.Add($"{path} nests conditions deeper than {MaxDepth} levels.");
            return null;
        }

        var set = new List<string>(1);
        AddIfSet(set, "Equals", options.EqualTo is not null);
        AddIfSet(set, "In", options.In is not null);
        AddIfSet(set, "Matches", options.Matches is not null);
        AddIfSet(set, "All", options.All is not null);
        AddIfSet(set, "Any", options.Any is not null);
        AddIfSet(set, "Not", options.Not is not null);
        if (set.Count != 1)
        {
            errors.Add(set.Count == 0
                ? $"{path} must set one of Equals, In, Matches (with Field), All, Any or Not."
                : $"{path} sets {string.Join(", ", set)}; a condition sets exactly one (combine them with All or Any).");
            return null;
        }

        var op = set[0];
        var strayField = op is "All" or "Any" or "Not" && options.Field is not null;
        if (strayField)
        {
            errors.Add($"{path}:Field does not go with {op}: put it in the conditions {op} holds.");
        }

        var compiled = op switch
        {
            "All" => Combine(options.All!, $"{path}:All", errors, depth, RouteCondition.All),
            "Any" => Combine(options.Any!, $"{path}:Any", errors, depth, RouteCondition.Any),
            "Not" => Compile(options.Not, $"{path}:Not", errors, depth + 1) is { } inner ? RouteCondition.Not(inner) : null,
            _ => Comparison(options, op, path, errors),
        };
        return strayField ? null : compiled;
    }

    private static void AddIfSet(List<string> set, string name, bool isSet)
    {
        if (isSet)
        {
            set.Add(name);
        }
    }

    private static RouteCondition? Combine(
        List<RouteConditionOptions> items, string path, List<string> errors, int depth, Func<IReadOnlyList<RouteCondition>, RouteCondition> combine)
    {
        if (items.Count == 0)
        {
            errors.Add($"{path} must list at least one condition.");
            return null;
        }

        var compiled = new List<RouteCondition>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (Compile(items[i], $"{path}:{i}", errors, depth + 1) is { } condition)
            {
                compiled.Add(condition);
            }
        }

        return compiled.Count == items.Count ? combine(compiled) : null;
    }

    private static RouteCondition? Comparison(RouteConditionOptions options, string op, string path, List<string> errors)
    {
        var field = RequestField.Parse(options.Field);
        if (field is null)
        {
            errors.Add($"{path}:Field must be one of {string.Join(", ", RequestField.Known)}; it is '{options.Field}'.");
        }

        // The operand is checked even when the field is wrong, so both problems are listed in one go.
        return op switch
        {
            "Equals" => field is null ? null : RouteCondition.EqualTo(field, options.EqualTo!),
            "In" => Values(options.In!, $"{path}:In", errors) && field is not null ? RouteCondition.In(field, options.In!) : null,
            _ => Pattern(options.Matches!, $"{path}:Matches", errors) is { } regex && field is not null ? RouteCondition.Matches(field, regex) : null,
        };
    }

    private static bool Values(List<string> values, string path, List<string> errors)
    {
        if (values.Count > 0)
        {
            return true;
        }

        errors.Add($"{path} must list at least one value.");
        return false;
    }

    private static Regex? Pattern(string pattern, string path, List<string> errors)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{path} is not a valid regular expression ('{pattern}'): {ex.Message}");
            return null;
        }
    }
}
