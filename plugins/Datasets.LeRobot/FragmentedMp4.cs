using System.Buffers.Binary;
using System.Text;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// Appending an episode to a camera's mp4 without rewriting it. Segments are written as fragmented MP4 (ftyp, moov
/// with no samples, then moof + mdat pairs whose data offsets are relative to their moof), so the fragments of a new
/// segment can go onto the end of the file as they are: only each fragment's decode start (tfdt) moves by the file's
/// duration, and its sequence number (mfhd) continues the file's. A save then writes the episode's bytes, not the
/// file's; a plain concat would re-mux everything before it.
/// </summary>
internal static class FragmentedMp4
{
    /// <summary>Muxer options for segments that <see cref="Append"/> can join: fragments of about a second, no trailer index.</summary>
    public const string MuxerArguments = "-movflags +empty_moov+default_base_moof+skip_trailer -frag_duration 1000000";

    private readonly record struct Box(string Type, long Offset, long Size, int Header);

    /// <summary>What an append needs to know about a file: its sample description, clock and fragment count.</summary>
    /// <param name="Fragmented">True when the file is a fragmented MP4 that fragments can be appended to.</param>
    /// <param name="SampleDescription">The stsd box (codec and its parameters); an appended segment must have the same.</param>
    /// <param name="Timescale">Ticks per second of the video track (mdhd).</param>
    /// <param name="Fragments">moof boxes in the file.</param>
    public sealed record Layout(bool Fragmented, byte[] SampleDescription, uint Timescale, int Fragments);

    /// <summary>Reads the top-level layout of <paramref name="path"/> (box headers and the moov only).</summary>
    public static Layout Read(string path)
    {
        using var file = File.OpenRead(path);
        var boxes = TopLevel(file, file.Length);
        var moov = boxes.FirstOrDefault(b => b.Type == "moov");
        if (moov.Type is null) return new Layout(false, [], 0, 0);
        var bytes = new byte[moov.Size];
        file.Position = moov.Offset;
        file.ReadExactly(bytes);
        return Describe(bytes, boxes.Count(b => b.Type == "moof"));
    }

    /// <summary>
    /// The bytes to append to a file described by <paramref name="file"/> so that <paramref name="segmentPath"/>'s
    /// frames follow at <paramref name="startSeconds"/>; null when the two cannot be joined this way (a file written
    /// without fragments, or a different codec configuration or clock): the caller starts a new file instead.
    /// </summary>
    public static byte[]? Append(Layout file, string segmentPath, double startSeconds)
    {
        if (!file.Fragmented) return null;
        var segment = File.ReadAllBytes(segmentPath);
        var boxes = Children(segment);
        var moov = boxes.FirstOrDefault(b => b.Type == "moov");
        if (moov.Type is null) return null;
        var own = Describe(segment.AsSpan((int)moov.Offset, (int)moov.Size).ToArray(), 0);
        if (!own.Fragmented || own.Timescale != file.Timescale || !own.SampleDescription.AsSpan().SequenceEqual(file.SampleDescription)) return null;
        var first = boxes.FindIndex(b => b.Type == "moof");
        if (first < 0) return null;
        var start = boxes[first].Offset;
        var tail = segment.AsSpan((int)start).ToArray();
        var shift = (ulong)Math.Round(startSeconds * file.Timescale);
        var sequence = (uint)file.Fragments;
        foreach (var moof in boxes.Skip(first).Where(b => b.Type == "moof"))
        {
            var at = (int)(moof.Offset - start);
            var body = tail.AsSpan(at + moof.Header, (int)moof.Size - moof.Header);
            foreach (var child in Children(body))
            {
                var content = body.Slice((int)child.Offset + child.Header, (int)child.Size - child.Header);
                if (child.Type == "mfhd") BinaryPrimitives.WriteUInt32BigEndian(content[4..], ++sequence);
                if (child.Type != "traf") continue;
                foreach (var inner in Children(content))
                {
                    if (inner.Type != "tfdt") continue;
                    var tfdt = content.Slice((int)inner.Offset + inner.Header, (int)inner.Size - inner.Header);
                    if (tfdt[0] == 1) BinaryPrimitives.WriteUInt64BigEndian(tfdt[4..], BinaryPrimitives.ReadUInt64BigEndian(tfdt[4..]) + shift);
                    else
                    {
                        var moved = BinaryPrimitives.ReadUInt32BigEndian(tfdt[4..]) + shift;
                        if (moved > uint.MaxValue) return null;
                        BinaryPrimitives.WriteUInt32BigEndian(tfdt[4..], (uint)moved);
                    }
                }
            }
        }
        return tail;
    }

    private static Layout Describe(byte[] moov, int fragments)
    {
        var header = BinaryPrimitives.ReadUInt32BigEndian(moov) == 1 ? 16 : 8;
        var body = (Start: header, Length: moov.Length - header);
        var fragmented = Children(moov.AsSpan(body.Start, body.Length)).Any(b => b.Type == "mvex");
        // The first track: a dataset video has one.
        var mdhd = Descend(moov, body, "trak", "mdia", "mdhd");
        var stbl = Descend(moov, body, "trak", "mdia", "minf", "stbl");
        if (mdhd is not { } h || stbl is not { } t) return new Layout(false, [], 0, fragments);
        var m = moov.AsSpan(h.Start, h.Length);
        var timescale = BinaryPrimitives.ReadUInt32BigEndian(m[0] == 1 ? m[20..] : m[12..]);
        var stsd = Children(moov.AsSpan(t.Start, t.Length)).FirstOrDefault(b => b.Type == "stsd");
        byte[] description = stsd.Type is null ? [] : moov.AsSpan(t.Start + (int)stsd.Offset, (int)stsd.Size).ToArray();
        return new Layout(fragmented, description, timescale, fragments);
    }

    /// <summary>The content range of the first box along <paramref name="path"/> inside <paramref name="range"/>.</summary>
    private static (int Start, int Length)? Descend(byte[] data, (int Start, int Length) range, params string[] path)
    {
        foreach (var type in path)
        {
            var box = Children(data.AsSpan(range.Start, range.Length)).FirstOrDefault(b => b.Type == type);
            if (box.Type is null) return null;
            range = (range.Start + (int)box.Offset + box.Header, (int)box.Size - box.Header);
        }
        return range;
    }

    private static List<Box> Children(Span<byte> content)
    {
        var boxes = new List<Box>();
        for (long at = 0; at + 8 <= content.Length; at += boxes[^1].Size)
            boxes.Add(Header(content[(int)at..], at, content.Length, "its parent"));
        return boxes;
    }

    /// <summary>The top-level boxes of a file, reading only their headers.</summary>
    private static List<Box> TopLevel(Stream stream, long length)
    {
        var boxes = new List<Box>();
        Span<byte> head = stackalloc byte[16];
        for (long at = 0; at + 8 <= length; at += boxes[^1].Size)
        {
            stream.Position = at;
            var read = head[..(int)Math.Min(16, length - at)];
            stream.ReadExactly(read);
            boxes.Add(Header(read, at, length, $"the end of the file ({length} bytes)"));
        }
        return boxes;
    }

    /// <summary>The box whose header starts <paramref name="head"/>, at <paramref name="at"/> in a container of <paramref name="length"/> bytes.</summary>
    private static Box Header(ReadOnlySpan<byte> head, long at, long length, string end)
    {
        long size = BinaryPrimitives.ReadUInt32BigEndian(head);
        var type = Encoding.ASCII.GetString(head.Slice(4, 4));
        var header = 8;
        if (size == 1 && head.Length >= 16) { size = (long)BinaryPrimitives.ReadUInt64BigEndian(head[8..]); header = 16; }
        else if (size == 0) size = length - at;
        if (size < header || at + size > length) throw new InvalidDataException($"mp4 box '{type}' at {at} runs past {end}");
        return new Box(type, at, size, header);
    }
}
