// SPDX-License-Identifier: MIT
// wire: TCP option walking, decoding and encoding.
#include "wire/tcp_options.hpp"

#include <algorithm>

namespace netrig::wire::tcp {

namespace {

// The only lengths a known option may have; 0 means any length >= 2 is fine (unknown kinds).
bool length_ok(std::uint8_t kind, std::size_t len) {
    switch (kind) {
        case option_kind::mss:
            return len == 4;
        case option_kind::window_scale:
            return len == 3;
        case option_kind::sack_permitted:
            return len == 2;
        case option_kind::timestamps:
            return len == 10;
        case option_kind::sack:
            // RFC 2018 §3: length 8 * n + 2; 40 option bytes leave room for at most 4 blocks.
            return len >= 10 && (len - 2) % 8 == 0 && (len - 2) / 8 <= max_sack_blocks;
        default:
            return true;
    }
}

// Lengths of the aligned (Linux) layout, each a multiple of 4.
std::size_t aligned_len(const options& o) {
    std::size_t n = 0;
    n += o.mss ? 4U : 0U;
    n += o.ts ? 12U : (o.sack_permitted ? 4U : 0U);  // SACK-permitted rides before TS if both.
    n += o.window_scale ? 4U : 0U;
    n += o.sack_count > 0 ? 4 + 8 * std::size_t{o.sack_count} : 0;
    return n;
}

std::size_t packed_len(const options& o) {
    std::size_t n = 0;
    n += o.mss ? 4U : 0U;
    n += o.sack_permitted ? 2U : 0U;
    n += o.ts ? 10U : 0U;
    n += o.window_scale ? 3U : 0U;
    n += o.sack_count > 0 ? 2 + 8 * std::size_t{o.sack_count} : 0;
    return (n + 3) / 4 * 4;
}

class writer {
public:
    explicit writer(mut_bytes out) : out_(out) {}
    void u8(std::uint8_t v) { store_u8(out_, pos_++, v); }
    void be16(std::uint16_t v) {
        store_be16(out_, pos_, v);
        pos_ += 2;
    }
    void be32(std::uint32_t v) {
        store_be32(out_, pos_, v);
        pos_ += 4;
    }
    [[nodiscard]] std::size_t pos() const { return pos_; }

private:
    mut_bytes out_;
    std::size_t pos_ = 0;
};

void put_ts(writer& w, const timestamps& ts) {
    w.u8(option_kind::timestamps);
    w.u8(10);
    w.be32(ts.value);
    w.be32(ts.echo);
}

void put_sack(writer& w, const options& o) {
    w.u8(option_kind::sack);
    w.u8(static_cast<std::uint8_t>(2 + 8 * o.sack_count));
    for (std::size_t i = 0; i < o.sack_count; ++i) {
        w.be32(o.sack_blocks[i].left.raw());
        w.be32(o.sack_blocks[i].right.raw());
    }
}

void put_mss(writer& w, std::uint16_t mss) {
    w.u8(option_kind::mss);
    w.u8(4);
    w.be16(mss);
}

void put_ws(writer& w, std::uint8_t shift) {
    w.u8(option_kind::window_scale);
    w.u8(3);
    w.u8(shift);
}

}  // namespace

result<std::optional<option>, parse_error> option_reader::next() {
    if (pos_ >= options_.size()) {
        return std::optional<option>{};
    }
    const std::uint8_t kind = options_[pos_];
    if (kind == option_kind::eol) {
        // RFC 9293 §3.2: End of Option List; what follows is padding.
        pos_ = options_.size();
        return std::optional<option>{option{kind, {}}};
    }
    if (kind == option_kind::nop) {
        ++pos_;
        return std::optional<option>{option{kind, {}}};
    }
    if (pos_ + 1 >= options_.size()) {
        return unexpected(parse_error::bad_option);
    }
    const std::size_t len = options_[pos_ + 1];
    // RFC 9293 §3.1: the length counts kind and length octets, so it is at least 2; a length
    // past the end or wrong for a known kind would make us misread what follows.
    if (len < 2 || len > options_.size() - pos_ || !length_ok(kind, len)) {
        return unexpected(parse_error::bad_option);
    }
    const option o{kind, options_.subspan(pos_ + 2, len - 2)};
    pos_ += len;
    return std::optional<option>{o};
}

result<options, parse_error> options::parse(bytes raw) {
    options o;
    if (is_nop_nop_timestamps(raw)) {
        o.ts = timestamps{load_be32(raw, 4), load_be32(raw, 8)};
        return o;
    }
    option_reader reader{raw};
    for (;;) {
        NETRIG_TRY_ASSIGN(const std::optional<option> opt, reader.next());
        if (!opt) {
            return o;
        }
        switch (opt->kind) {
            case option_kind::mss:
                o.mss = load_be16(opt->data, 0);
                break;
            case option_kind::window_scale:
                o.window_scale = opt->data[0];
                break;
            case option_kind::sack_permitted:
                o.sack_permitted = true;
                break;
            case option_kind::timestamps:
                o.ts = timestamps{load_be32(opt->data, 0), load_be32(opt->data, 4)};
                break;
            case option_kind::sack:
                o.sack_count = static_cast<std::uint8_t>(opt->data.size() / 8);
                for (std::size_t i = 0; i < o.sack_count; ++i) {
                    o.sack_blocks[i] = sack_block{seq32{load_be32(opt->data, i * 8)},
                                                  seq32{load_be32(opt->data, i * 8 + 4)}};
                }
                break;
            default:
                // EOL, NOP and unknown kinds: RFC 9293 §3.2 "a TCP implementation MUST be
                // prepared to handle an illegal option length" and MUST ignore unknown ones.
                break;
        }
    }
}

std::size_t options::buffer_len() const {
    NETRIG_ASSERT(sack_count <= max_sack_blocks);
    const std::size_t aligned = aligned_len(*this);
    const std::size_t n = aligned <= max_options_len ? aligned : packed_len(*this);
    NETRIG_ASSERT(n <= max_options_len);
    return n;
}

void options::emit(mut_bytes buffer) const {
    NETRIG_ASSERT(buffer.size() == buffer_len());
    writer w{buffer};
    if (aligned_len(*this) <= max_options_len) {
        if (mss) {
            put_mss(w, *mss);
        }
        if (ts) {
            if (sack_permitted) {
                w.u8(option_kind::sack_permitted);
                w.u8(2);
            } else {
                w.u8(option_kind::nop);
                w.u8(option_kind::nop);
            }
            put_ts(w, *ts);
        } else if (sack_permitted) {
            w.u8(option_kind::nop);
            w.u8(option_kind::nop);
            w.u8(option_kind::sack_permitted);
            w.u8(2);
        }
        if (window_scale) {
            w.u8(option_kind::nop);
            put_ws(w, *window_scale);
        }
        if (sack_count > 0) {
            w.u8(option_kind::nop);
            w.u8(option_kind::nop);
            put_sack(w, *this);
        }
    } else {
        if (mss) {
            put_mss(w, *mss);
        }
        if (sack_permitted) {
            w.u8(option_kind::sack_permitted);
            w.u8(2);
        }
        if (ts) {
            put_ts(w, *ts);
        }
        if (window_scale) {
            put_ws(w, *window_scale);
        }
        if (sack_count > 0) {
            put_sack(w, *this);
        }
        while (w.pos() < buffer.size()) {
            w.u8(option_kind::eol);
        }
    }
    NETRIG_ASSERT(w.pos() == buffer.size());
}

bool operator==(const options& a, const options& b) {
    return a.mss == b.mss && a.window_scale == b.window_scale &&
           a.sack_permitted == b.sack_permitted && a.ts == b.ts && a.sack_count == b.sack_count &&
           std::equal(a.sack_blocks.begin(), a.sack_blocks.begin() + a.sack_count,
                      b.sack_blocks.begin());
}

}  // namespace netrig::wire::tcp
