-- The query-heavy SQL workload (bench/real/run replaces @ROWS@): two tables filled by
-- recursive CTEs (few statements, so parsing is a small part), then joins, grouping,
-- sorting, LIKE scans, a correlated subquery, window functions and string building.
-- Every statement prints a result, so the three runners must print the same lines.
CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT, region INTEGER, since INTEGER);
CREATE TABLE sale(id INTEGER PRIMARY KEY, customer INTEGER, product INTEGER, qty INTEGER,
                  price REAL, day INTEGER);

WITH RECURSIVE n(i) AS (VALUES(1) UNION ALL SELECT i + 1 FROM n WHERE i < @ROWS@ / 10)
INSERT INTO customer
SELECT i, 'cust' || (i * 7919 % 100003), i % 23, 2000 + i % 25 FROM n;

WITH RECURSIVE n(i) AS (VALUES(1) UNION ALL SELECT i + 1 FROM n WHERE i < @ROWS@)
INSERT INTO sale
SELECT i, 1 + (i * 48271 % (@ROWS@ / 10)), i * 69621 % 500, 1 + i % 9,
       (i * 16807 % 10000) / 100.0, i % 365 FROM n;

CREATE INDEX sale_customer ON sale(customer);
CREATE INDEX sale_product_day ON sale(product, day);

SELECT c.region, count(*), sum(s.qty), printf('%.2f', sum(s.qty * s.price))
FROM sale s JOIN customer c ON c.id = s.customer
GROUP BY c.region ORDER BY sum(s.qty * s.price) DESC LIMIT 5;

SELECT product, count(*) AS n, printf('%.2f', avg(price))
FROM sale WHERE day BETWEEN 100 AND 200
GROUP BY product HAVING n > 10 ORDER BY n DESC, product LIMIT 5;

SELECT count(*), min(name), max(name) FROM customer WHERE name LIKE '%77%';

SELECT count(*) FROM customer c
WHERE (SELECT sum(qty) FROM sale WHERE customer = c.id) > 50;

SELECT sum(rk), printf('%.2f', sum(running)) FROM (
  SELECT rank() OVER (PARTITION BY product ORDER BY price DESC, id) AS rk,
         sum(qty) OVER (PARTITION BY day ORDER BY id ROWS 5 PRECEDING) AS running
  FROM sale) WHERE rk <= 3;

SELECT length(group_concat(name, ',')), substr(group_concat(name, ','), 1, 40)
FROM (SELECT name FROM customer ORDER BY name DESC LIMIT 2000);

SELECT day, count(DISTINCT customer) FROM sale GROUP BY day ORDER BY 2 DESC, 1 LIMIT 3;

SELECT upper(substr(name, 1, 6)) AS k, count(*) FROM customer
GROUP BY k ORDER BY count(*) DESC, k LIMIT 3;
