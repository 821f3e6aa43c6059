using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Plugins.Robots.SO101.Transport;
using RobotHost.Plugins.Robots.SO101.Virtual;

namespace Robots.SO101.Tests;

public sealed class ProtocolTests
{
    [Fact]
    public void Instruction_packets_carry_length_and_inverted_checksum()
    {
        // PING id 1: FF FF 01 02 01 ~(1+2+1)=FB
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0x01, 0x02, 0x01, 0xFB }, FeetechPacket.Instruction(1, FeetechInstruction.Ping, []));
        // WRITE id 3 Goal_Position(42)=2048 → params 2A 00 08
        var write = FeetechPacket.Instruction(3, FeetechInstruction.Write, [42, 0x00, 0x08]);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0x03, 0x05, 0x03, 0x2A, 0x00, 0x08, unchecked((byte)~(3 + 5 + 3 + 42 + 8)) }, write);
    }

    [Theory]
    [InlineData(-1000, 15, 0x8000 | 1000)]
    [InlineData(1000, 15, 1000)]
    [InlineData(-2047, 11, 0x800 | 2047)]
    [InlineData(-5, 10, 0x400 | 5)]
    [InlineData(0, 11, 0)]
    public void Sign_magnitude_round_trips_with_the_register_sign_bit(int value, int bit, int raw)
    {
        Assert.Equal(raw, SignMagnitude.Encode(value, bit));
        Assert.Equal(value, SignMagnitude.Decode(raw, bit));
    }

    [Fact]
    public void Homing_offset_beyond_2047_cannot_be_encoded()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Sts3215.HomingOffset.Encode(2048));
        Assert.Equal(0x800 | 100, Sts3215.HomingOffset.Encode(-100));
        Assert.Equal(-100, Sts3215.HomingOffset.Decode(0x800 | 100));
        Assert.Equal(-3, Sts3215.PresentLoad.Decode(0x400 | 3));
    }

    [Fact]
    public void Status_error_bits_are_named()
    {
        Assert.Equal("Overheat, Overload", (ServoStatusError.Overheat | ServoStatusError.Overload).Describe());
        Assert.Equal("InputVoltage, 0x40", ((ServoStatusError)0x41).Describe());
    }

    [Fact]
    public void In_memory_bus_reads_writes_and_retries_a_corrupt_reply()
    {
        var chain = VirtualServoChain.So101(id => 1000 + id);
        using var bus = new FeetechBus(new InMemoryServoTransport(chain));
        Assert.True(bus.Ping(4));
        Assert.Equal(1004, bus.Read(4, Sts3215.PresentPosition));
        chain.CorruptChecksums(1);
        Assert.Equal(Sts3215.ModelNumber, bus.Read(2, Sts3215.ModelNumberRegister));
        Assert.Equal(1, bus.RetriedTransactions);
    }

    [Fact]
    public void Eeprom_writes_are_ignored_while_locked_and_applied_when_unlocked()
    {
        var chain = VirtualServoChain.So101();
        using var bus = new FeetechBus(new InMemoryServoTransport(chain));
        bus.Write(1, Sts3215.MinPositionLimit, 500);
        Assert.Equal(0, bus.Read(1, Sts3215.MinPositionLimit));
        bus.Write(1, Sts3215.Lock, 0);
        bus.Write(1, Sts3215.MinPositionLimit, 500);
        bus.Write(1, Sts3215.HomingOffset, -300);
        Assert.Equal(500, bus.Read(1, Sts3215.MinPositionLimit));
        Assert.Equal(-300, bus.Read(1, Sts3215.HomingOffset));
        Assert.Equal(Sts3215.HalfTurn + 300, bus.Read(1, Sts3215.PresentPosition)); // present = physical − offset
    }
}
