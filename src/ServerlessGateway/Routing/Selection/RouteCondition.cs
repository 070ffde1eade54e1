using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace ServerlessGateway.Routing.Selection;

/// <summary>
/// A compiled route condition. A comparison on a field the request does not have is false, so Not of it is
/// true: "Not user In [a, b]" also holds for a request with no user at all.
/// </summary>
public abstract class RouteCondition
{
    public abstract bool IsMet(in SelectionInput input);

    public static RouteCondition EqualTo(RequestField field, string value) => new EqualsCondition(field, value);

    public static RouteCondition In(RequestField field, IEnumerable<string> values) =>
        new InCondition(field, values.ToFrozenSet(StringComparer.Ordinal));

    public static RouteCondition Matches(RequestField field, Regex regex) => new MatchesCondition(field, regex);

    public static RouteCondition All(IReadOnlyList<RouteCondition> conditions) => new AllCondition([.. conditions]);

    public static RouteCondition Any(IReadOnlyList<RouteCondition> conditions) => new AnyCondition([.. conditions]);

    public static RouteCondition Not(RouteCondition condition) => new NotCondition(condition);

    private sealed class EqualsCondition(RequestField field, string value) : RouteCondition
    {
        public override bool IsMet(in SelectionInput input) => string.Equals(field.Read(input), value, StringComparison.Ordinal);
    }

    private sealed class InCondition(RequestField field, FrozenSet<string> values) : RouteCondition
    {
        public override bool IsMet(in SelectionInput input) => field.Read(input) is { } value && values.Contains(value);
    }

    private sealed class MatchesCondition(RequestField field, Regex regex) : RouteCondition
    {
        public override bool IsMet(in SelectionInput input)
        {
            if (field.Read(input) is not { } value)
            {
                return false;
            }

            try
            {
                return regex.IsMatch(value);
            }
            catch (RegexMatchTimeoutException)
            {
                // A pattern that backtracks for too long on a caller's value is a miss, not a failed request:
                // callers control the values, so they must not be able to turn a route into an error or a stall.
                return false;
            }
        }
    }

    private sealed class AllCondition(RouteCondition[] conditions) : RouteCondition
    {
        public override bool IsMet(in SelectionInput input)
        {
            foreach (var condition in conditions)
            {
                if (!condition.IsMet(input))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class AnyCondition(RouteCondition[] conditions) : RouteCondition
    {
        public override bool IsMet(in SelectionInput input)
        {
            foreach (var condition in conditions)
            {
                if (condition.IsMet(input))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private sealed class NotCondition(RouteCondition condition) : RouteCondition
    {
        public override bool IsMet(in SelectionInput input) => !condition.IsMet(input);
    }
}
