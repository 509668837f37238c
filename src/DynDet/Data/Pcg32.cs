namespace DynDet.Data;

/// <summary>
/// PCG32 (O'Neill's <c>pcg32_random_r</c>, XSH-RR output, 64-bit state): a small, fast, statistically sound
/// generator with independent streams. The data pipeline draws every random choice (synthetic scenes,
/// shuffles, flips, scales) from its own seeded <see cref="Pcg32"/>, never from libtorch's global generator,
/// so data is identical for a seed whatever the model does with libtorch's RNG and whatever the thread
/// timing. Not thread-safe: one instance per thread or per item.
/// </summary>
public sealed class Pcg32
{
    private const ulong Multiplier = 6364136223846793005UL;
    private ulong _state;
    private readonly ulong _increment;

    /// <summary>A generator for seed <paramref name="seed"/> and stream <paramref name="stream"/> (streams are independent).</summary>
    public Pcg32(ulong seed, ulong stream = 0)
    {
        _increment = (stream << 1) | 1UL;
        _state = 0;
        NextUInt32();
        _state += seed;
        NextUInt32();
    }

    /// <summary>The generator's 64-bit state now: with <see cref="Increment"/>, everything <see cref="Restore"/> needs.</summary>
    public ulong State => _state;

    /// <summary>The stream's odd increment (fixed by the stream given to the constructor).</summary>
    public ulong Increment => _increment;

    /// <summary>
    /// A generator continuing exactly where one with <paramref name="state"/> and <paramref name="increment"/> (read
    /// from <see cref="State"/> and <see cref="Increment"/>) left off: what a checkpoint restores.
    /// </summary>
    public static Pcg32 Restore(ulong state, ulong increment)
    {
        if ((increment & 1UL) == 0)
        {
            throw new ArgumentException($"a PCG32 increment is odd, not {increment}", nameof(increment));
        }

        return new Pcg32(state, increment, restoring: true);
    }

    /// <summary>
    /// A well-mixed 64-bit value from several (SplitMix64's finaliser over a running combination): derives
    /// seeds for items from (seed, epoch, index) so each gets an unrelated generator.
    /// </summary>
    public static ulong Mix(ulong a, ulong b = 0, ulong c = 0)
    {
        ulong h = Finalise(a + 0x9E3779B97F4A7C15UL);
        h = Finalise(h ^ (b + 0xBF58476D1CE4E5B9UL));
        return Finalise(h ^ (c + 0x94D049BB133111EBUL));
    }

    private Pcg32(ulong state, ulong increment, bool restoring)
    {
        _ = restoring;
        _state = state;
        _increment = increment;
    }

    private static ulong Finalise(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 32 random bits.</summary>
    public uint NextUInt32()
    {
        ulong old = _state;
        _state = unchecked(old * Multiplier + _increment);
        uint xorShifted = (uint)(((old >> 18) ^ old) >> 27);
        int rotation = (int)(old >> 59);
        return (xorShifted >> rotation) | (xorShifted << ((-rotation) & 31));
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64() => ((ulong)NextUInt32() << 32) | NextUInt32();

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt32() >> 8) * (1.0f / (1 << 24));

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, <paramref name="count"/>) without modulo bias; count ≥ 1.</summary>
    public int NextInt(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        uint bound = (uint)count;
        uint threshold = (uint)(-(int)bound) % bound;
        while (true)
        {
            uint r = NextUInt32();
            if (r >= threshold)
            {
                return (int)(r % bound);
            }
        }
    }

    /// <summary>Uniform integer in [<paramref name="low"/>, <paramref name="high"/>] (both inclusive).</summary>
    public int NextInt(int low, int high)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(high, low);
        return low + NextInt(high - low + 1);
    }

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool NextBool(double p = 0.5) => NextDouble() < p;

    /// <summary>A standard normal sample (Box–Muller).</summary>
    public double NextGaussian()
    {
        double u = 1.0 - NextDouble();
        double v = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
