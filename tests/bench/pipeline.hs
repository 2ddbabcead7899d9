-- pipeline.hs — GHC twin of examples/pipeline: the #18919 seed's program.
-- gunzip (zlib) -> chunks of 1000 lines -> WORKERS parse/filter with aeson
-- -> output in input order; stages joined by BoundedChans of DEPTH (the
-- GaloisInc implementation, written out as in bchan.hs).
-- Usage: pipeline INPUT.json.gz SUFFIX WORKERS DEPTH > names
-- Prints "pipeline: <L> lines, <N> lines/s" on stderr.
{-# LANGUAGE OverloadedStrings #-}
import Control.Concurrent hiding (readChan, writeChan)
import Control.Exception (mask_, onException, evaluate)
import Control.Monad
import qualified Codec.Compression.GZip as GZip
import qualified Data.Aeson as A
import qualified Data.Aeson.KeyMap as KM
import Data.Array
import qualified Data.ByteString as B
import qualified Data.ByteString.Char8 as BC
import qualified Data.ByteString.Lazy as BL
import qualified Data.ByteString.Lazy.Char8 as BLC
import qualified Data.Text.Encoding as TE
import GHC.Clock (getMonotonicTimeNSec)
import System.Environment (getArgs)
import System.IO

data BoundedChan a = BC Int (Array Int (MVar a)) (MVar Int) (MVar Int)

newBoundedChan :: Int -> IO (BoundedChan a)
newBoundedChan n = do
  slots <- replicateM n newEmptyMVar
  BC n (listArray (0, n - 1) slots) <$> newMVar 0 <*> newMVar 0

modifyPos :: MVar Int -> (Int -> IO (Int, b)) -> IO b
modifyPos m io = mask_ $ do
  a <- takeMVar m
  (a', b) <- io a `onException` putMVar m a
  putMVar m $! a'
  return b

writeChan :: BoundedChan a -> a -> IO ()
writeChan (BC n slots wpos _) x = modifyPos wpos $ \p -> putMVar (slots ! p) x >> return ((p + 1) `mod` n, ())

readChan :: BoundedChan a -> IO a
readChan (BC n slots _ rpos) = modifyPos rpos $ \p -> do
  x <- takeMVar (slots ! p)
  return ((p + 1) `mod` n, x)

chunksOf :: Int -> [a] -> [[a]]
chunksOf _ [] = []
chunksOf n xs = let (a, b) = splitAt n xs in a : chunksOf n b

filterChunk :: B.ByteString -> [BL.ByteString] -> B.ByteString
filterChunk suffix ls = B.concat
  [ B.append n "\n"
  | l <- ls
  , Just (A.Object o) <- [A.decode l]
  , Just (A.String t) <- [KM.lookup "name" o]
  , let n = TE.encodeUtf8 t
  , suffix `B.isSuffixOf` n ]

main :: IO ()
main = runInUnboundThread $ do
  [input, suffixS, wS, dS] <- getArgs
  let (workers, depth, suffix) = (read wS, read dS, BC.pack suffixS) :: (Int, Int, B.ByteString)
  t0 <- getMonotonicTimeNSec
  compressed <- BL.readFile input
  work <- newBoundedChan depth
  outq <- newBoundedChan depth
  done <- newEmptyMVar
  nlines <- newEmptyMVar
  _ <- forkIO $ do
    let ls = BLC.lines (GZip.decompress compressed)
    n <- foldM (\acc ch -> do
                  promise <- newEmptyMVar
                  writeChan work (Just (ch, promise))
                  writeChan outq (Just promise)
                  return $! acc + length ch) 0 (chunksOf 1000 ls)
    replicateM_ workers (writeChan work Nothing)
    writeChan outq Nothing
    putMVar nlines n
  forM_ [1 .. workers] $ \_ -> forkIO $ let loop = readChan work >>= maybe (return ()) (\(ch, p) -> do
                                                r <- evaluate (filterChunk suffix ch)
                                                putMVar p r >> loop) in loop
  _ <- forkIO $ let loop = readChan outq >>= maybe (putMVar done ()) (\p -> takeMVar p >>= B.hPut stdout >> loop) in loop
  takeMVar done
  hFlush stdout
  n <- takeMVar nlines
  t1 <- getMonotonicTimeNSec
  let secs = fromIntegral (t1 - t0) / 1e9 :: Double
  hPutStrLn stderr $ "pipeline: " ++ show n ++ " lines, " ++ show (round (fromIntegral n / secs) :: Int) ++ " lines/s"
