namespace RobotHost.Plugins.Robots.SO101.Protocol;

/// <summary>
/// Builds instruction packets <c>FF FF ID LEN INSTR PARAM… CHK</c> and checks status packets
/// <c>FF FF ID LEN ERR PARAM… CHK</c>; LEN = params + 2, CHK = ~(ID + LEN + INSTR/ERR + Σ PARAM) (docs/sts3215.md).
/// </summary>
public static class FeetechPacket
{
    /// <summary>Header byte, sent twice.</summary>
    public const byte Header = 0xFF;
    /// <summary>Bytes around the parameters: FF FF ID LEN INSTR … CHK.</summary>
    public const int Overhead = 6;

    /// <summary>The checksum of the bytes from ID to the last parameter.</summary>
    public static byte Checksum(ReadOnlySpan<byte> idToLastParam)
    {
        var sum = 0;
        foreach (var b in idToLastParam) sum += b;
        return (byte)~sum;
    }

    /// <summary>Writes an instruction packet into <paramref name="destination"/>; returns its length.</summary>
    public static int WriteInstruction(Span<byte> destination, byte id, FeetechInstruction instruction, ReadOnlySpan<byte> parameters)
    {
        var length = parameters.Length + Overhead;
        if (parameters.Length > 250) throw new ArgumentException($"a Feetech packet carries at most 250 parameter bytes, not {parameters.Length}");
        destination[0] = Header;
        destination[1] = Header;
        destination[2] = id;
        destination[3] = (byte)(parameters.Length + 2);
        destination[4] = (byte)instruction;
        parameters.CopyTo(destination[5..]);
        destination[length - 1] = Checksum(destination[2..(length - 1)]);
        return length;
    }

    /// <summary>An instruction packet as a new array.</summary>
    public static byte[] Instruction(byte id, FeetechInstruction instruction, ReadOnlySpan<byte> parameters)
    {
        var packet = new byte[parameters.Length + Overhead];
        WriteInstruction(packet, id, instruction, parameters);
        return packet;
    }

    /// <summary>A status packet (what a servo answers) as a new array.</summary>
    public static byte[] Status(byte id, ServoStatusError error, ReadOnlySpan<byte> parameters)
    {
        var packet = new byte[parameters.Length + Overhead];
        WriteInstruction(packet, id, (FeetechInstruction)(byte)error, parameters);
        return packet;
    }

    /// <summary>
    /// Finds the first complete packet in <paramref name="buffer"/>. Returns its start and total length,
    /// (start, 0) when a packet starts at start but is not complete yet, or (-1, 0) when no header is present.
    /// A packet whose checksum fails is reported with <paramref name="checksumOk"/> false so the caller can count and skip it.
    /// </summary>
    public static (int Start, int Length) Find(ReadOnlySpan<byte> buffer, out bool checksumOk)
    {
        checksumOk = false;
        for (var i = 0; i + 1 < buffer.Length; i++)
        {
            if (buffer[i] != Header || buffer[i + 1] != Header) continue;
            // FF FF FF …: the real header ends at the last FF before an ID (IDs are 0..0xFE).
            if (i + 2 < buffer.Length && buffer[i + 2] == Header) continue;
            if (i + 4 > buffer.Length) return (i, 0);
            int len = buffer[i + 3];
            if (len < 2) continue; // not a packet: resync on the next header
            var total = len + 4;
            if (i + total > buffer.Length) return (i, 0);
            checksumOk = Checksum(buffer.Slice(i + 2, total - 3)) == buffer[i + total - 1];
            return (i, total);
        }
        // Keep a trailing FF: it may be the first header byte of the next packet.
        return buffer.Length > 0 && buffer[^1] == Header ? (buffer.Length - 1, 0) : (-1, 0);
    }
}
