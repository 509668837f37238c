using System.Globalization;

namespace DynDet.Training.Distributed;

/// <summary>
/// Where a data-parallel worker stands, from the environment its launcher set: torchrun's <c>RANK</c>,
/// <c>WORLD_SIZE</c>, <c>LOCAL_RANK</c>, <c>LOCAL_WORLD_SIZE</c>, <c>MASTER_ADDR</c>, <c>MASTER_PORT</c>, or SLURM's
/// <c>SLURM_PROCID</c>, <c>SLURM_NTASKS</c>, <c>SLURM_LOCALID</c>, <c>SLURM_NTASKS_PER_NODE</c> (torchrun's names win when both
/// are set). No rank variables: a single process.
/// </summary>
/// <param name="Rank">This worker's rank in [0, WorldSize).</param>
/// <param name="WorldSize">Workers in the run (≥ 1).</param>
/// <param name="LocalRank">This worker's index on its machine.</param>
/// <param name="LocalWorldSize">Workers on this machine (≥ 1), which share its cores.</param>
/// <param name="MasterAddress">Rank 0's address (default 127.0.0.1).</param>
/// <param name="MasterPort">The rendezvous port on rank 0's machine (default 29500, torchrun's).</param>
public sealed record WorkerEnvironment(int Rank, int WorldSize, int LocalRank, int LocalWorldSize, string MasterAddress, int MasterPort)
{
    /// <summary>torchrun's default master port.</summary>
    public const int DefaultPort = 29500;

    /// <summary>A single process.</summary>
    public static WorkerEnvironment Single { get; } = new(0, 1, 0, 1, "127.0.0.1", DefaultPort);

    /// <summary>Whether this is one of several workers.</summary>
    public bool IsDistributed => WorldSize > 1;

    /// <summary>Reads the process's environment.</summary>
    public static WorkerEnvironment FromEnvironment() => From(name => Environment.GetEnvironmentVariable(name));

    /// <summary>
    /// Reads the variables through <paramref name="lookup"/>; a malformed or inconsistent value gives an
    /// <see cref="InputException"/> naming the variable.
    /// </summary>
    public static WorkerEnvironment From(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        bool torchrun = !string.IsNullOrEmpty(lookup("RANK")) || !string.IsNullOrEmpty(lookup("WORLD_SIZE"));
        bool slurm = !torchrun && !string.IsNullOrEmpty(lookup("SLURM_PROCID"));
        if (!torchrun && !slurm)
        {
            return Single;
        }

        string rankName = torchrun ? "RANK" : "SLURM_PROCID";
        string worldName = torchrun ? "WORLD_SIZE" : "SLURM_NTASKS";
        string localName = torchrun ? "LOCAL_RANK" : "SLURM_LOCALID";
        string localWorldName = torchrun ? "LOCAL_WORLD_SIZE" : "SLURM_NTASKS_PER_NODE";
        int world = Integer(lookup, worldName, required: true, min: 1) ?? 1;
        int rank = Integer(lookup, rankName, required: true, min: 0) ?? 0;
        if (rank >= world)
        {
            throw new InputException($"{rankName}={rank} is not below {worldName}={world}");
        }

        int localRank = Integer(lookup, localName, required: false, min: 0) ?? rank;
        int localWorld = Integer(lookup, localWorldName, required: false, min: 1) ?? world;
        if (localRank >= localWorld)
        {
            throw new InputException($"{localName}={localRank} is not below {localWorldName}={localWorld}");
        }

        string address = lookup("MASTER_ADDR") is { Length: > 0 } a ? a : "127.0.0.1";
        int port = Integer(lookup, "MASTER_PORT", required: false, min: 1) ?? DefaultPort;
        if (port > 65535)
        {
            throw new InputException($"MASTER_PORT={port} is not a port (1..65535)");
        }

        return new WorkerEnvironment(rank, world, localRank, localWorld, address, port);
    }

    /// <summary>Torch threads for this worker: the machine's cores shared among its workers (at least 1).</summary>
    public int DefaultThreads(int cores) => Math.Max(1, cores / LocalWorldSize);

    private static int? Integer(Func<string, string?> lookup, string name, bool required, int min)
    {
        string? text = lookup(name);
        if (string.IsNullOrEmpty(text))
        {
            return required ? throw new InputException($"{name} is not set (a distributed worker needs RANK and WORLD_SIZE, or SLURM_PROCID and SLURM_NTASKS)") : null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min)
        {
            throw new InputException($"{name}='{text}' is not an integer >= {min}");
        }

        return value;
    }
}
