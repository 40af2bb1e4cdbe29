// The C++ source whose compilation (the cc1plus process) is the g++ trace: a word count
// over standard input with the standard containers and algorithms.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

int main() {
    std::map<std::string, int> counts;
    char word[256];
    while (std::scanf("%255s", word) == 1)
        counts[word]++;
    std::vector<std::pair<int, std::string>> order;
    for (auto &[text, count] : counts)
        order.emplace_back(-count, text);
    std::sort(order.begin(), order.end());
    for (size_t i = 0; i < order.size() && i < 10; i++)
        std::printf("%7d %s\n", -order[i].first, order[i].second.c_str());
}
