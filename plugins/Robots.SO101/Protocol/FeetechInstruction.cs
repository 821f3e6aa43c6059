namespace RobotHost.Plugins.Robots.SO101.Protocol;

/// <summary>Feetech SCS/STS protocol 0 instruction codes (docs/sts3215.md, "Packet protocol").</summary>
public enum FeetechInstruction : byte
{
    /// <summary>Is the servo there? Replies an empty status.</summary>
    Ping = 0x01,
    /// <summary>Read: address, length.</summary>
    Read = 0x02,
    /// <summary>Write: address, data….</summary>
    Write = 0x03,
    /// <summary>Deferred write, applied on <see cref="Action"/>.</summary>
    RegWrite = 0x04,
    /// <summary>Applies every pending <see cref="RegWrite"/>.</summary>
    Action = 0x05,
    /// <summary>Read the same registers from several servos; each answers in turn.</summary>
    SyncRead = 0x82,
    /// <summary>Write the same registers of several servos in one packet (no reply).</summary>
    SyncWrite = 0x83,
}
