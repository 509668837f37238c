namespace DynDet.Torch.Serialization;

/// <summary>
/// Checks, without recursion, that an unpickled value nests at most <see cref="MaxDepth"/> containers
/// deep and holds no reference cycle. Every later walk of the value (building tensors, messages, saving)
/// may then recurse: its depth is bounded. Shared sub-values are measured once, so the cost is linear in
/// the distinct values however often they are shared.
/// </summary>
internal static class NestingCheck
{
    /// <summary>
    /// The deepest nesting of lists, tuples, dicts and objects a checkpoint may have: 1000 levels.
    /// torch.save files nest a handful (a training checkpoint's optimizer state is about five).
    /// </summary>
    public const int MaxDepth = 1000;

    private const int OnPath = -1;

    /// <summary>Throws <see cref="InputException"/> (naming <paramref name="source"/>) when <paramref name="root"/> nests too deep or contains itself.</summary>
    public static void Run(object? root, string source)
    {
        if (!IsContainer(root))
        {
            return;
        }

        // height[v] = 1 + the largest height of v's container children (1 with none); OnPath while v is measured.
        var height = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        var path = new Stack<Frame>();
        height[root!] = OnPath;
        path.Push(new Frame(root!));
        while (path.Count > 0)
        {
            var frame = path.Peek();
            if (!TryChild(frame.Node, frame.Next++, out object? child))
            {
                path.Pop();
                height[frame.Node] = frame.Height;
                if (path.Count > 0)
                {
                    Raise(path.Peek(), frame.Height + 1, source);
                }

                continue;
            }

            if (!IsContainer(child))
            {
                continue;
            }

            if (height.TryGetValue(child!, out int known))
            {
                if (known == OnPath)
                {
                    throw new InputException(
                        $"{source}: data.pkl holds a value that contains itself (a reference cycle), which checkpoints do not");
                }

                Raise(frame, known + 1, source);
                continue;
            }

            if (path.Count >= MaxDepth)
            {
                throw TooDeep(source);
            }

            height[child!] = OnPath;
            path.Push(new Frame(child!));
        }
    }

    private static void Raise(Frame frame, int h, string source)
    {
        if (h > MaxDepth)
        {
            throw TooDeep(source);
        }

        frame.Height = Math.Max(frame.Height, h);
    }

    private static InputException TooDeep(string source) =>
        new($"{source}: pickle nests deeper than {MaxDepth} levels (data.pkl; checkpoints nest a few)");

    private static bool IsContainer(object? value) => value is List<object?> or PyTuple or PyDict or PyObject;

    private static bool TryChild(object node, int index, out object? child)
    {
        switch (node)
        {
            case List<object?> list when index < list.Count:
                child = list[index];
                return true;
            case PyTuple tuple when index < tuple.Count:
                child = tuple[index];
                return true;
            case PyDict dict when index < 2 * dict.Count:
            {
                var entry = dict.GetAt(index / 2);
                child = index % 2 == 0 ? entry.Key : entry.Value;
                return true;
            }

            case PyDict dict when index == 2 * dict.Count:
                child = dict.State;
                return true;
            case PyObject obj when index == 0:
                child = obj.Arguments;
                return true;
            case PyObject obj when index == 1:
                child = obj.State;
                return true;
            default:
                child = null;
                return false;
        }
    }

    /// <summary>A container being measured: the next child to look at and its height so far.</summary>
    private sealed class Frame(object node)
    {
        public object Node { get; } = node;

        public int Next { get; set; }

        public int Height { get; set; } = 1;
    }
}
