/**
 * Passwords that appear at the top of published leak analyses (global and Chinese lists), compared
 * in lower case. A short built-in list: it catches the most-guessed choices, not every weak one.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  `123456 123456789 12345678 12345 1234567 1234567890 123123 111111 000000 666666 888888 88888888 11111111
  00000000 654321 987654321 123321 112233 121212 123654 147258 147258369 159357 159753 123qwe 1q2w3e 1q2w3e4r
  1q2w3e4r5t qwerty qwerty123 qwertyuiop asdfgh asdfghjkl zxcvbnm 1qaz2wsx qazwsx password password1
  password123 passw0rd p@ssw0rd p@ssword admin admin123 admin888 root abc123 abc123456 a123456 a12345678
  aa123456 a1234567 iloveyou woaini woaini1314 woaini520 5201314 520520 1314520 monkey dragon letmein
  welcome welcome1 sunshine princess football baseball master shadow superman michael trustno1 hello123
  test1234 123456a 123456abc abcd1234 abcdefg abcdef 1234qwer qwer1234 q1w2e3r4 zaq12wsx 7758521 7758258
  147852369 741852963 789456123 159951 246810 135792468 aaaaaa aaaaaaaa 11223344 12341234 12344321
  computer internet changeme secret login`.split(/\s+/),
);
